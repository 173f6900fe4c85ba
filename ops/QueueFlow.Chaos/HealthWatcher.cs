using System.Diagnostics;

namespace QueueFlow.Chaos;

/// <summary>
/// Polls each worker's <c>/health</c> once a second, as an operator's probe would, and reports every
/// change of its status code and body: what an operator sees while a fault happens.
/// </summary>
internal sealed class HealthWatcher(IReadOnlyList<int> ports, long runStarted, Action<string> progress) : IDisposable
{
    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    readonly string?[] _last = new string?[ports.Count];

    public List<string> Changes { get; } = [];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            for (var i = 0; i < ports.Count; i++)
            {
                var seen = await ProbeAsync(ports[i], cancellationToken);
                if (seen == _last[i])
                    continue;
                _last[i] = seen;
                var change = $"+{Stopwatch.GetElapsedTime(runStarted).TotalSeconds:0}s worker{i + 1} /health: {seen}";
                Changes.Add(change);
                progress(change);
            }
        }
    }

    async Task<string> ProbeAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return $"{(int)response.StatusCode} {Summary(body)}";
        }
        catch (HttpRequestException)
        {
            return "connection refused (process down or starting)";
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "no answer within 2 s";
        }
    }

    /// <summary>The unhealthy entries of the health report, or its overall status: enough to tell one state from another.</summary>
    static string Summary(string body)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body);
            var root = document.RootElement;
            var status = root.TryGetProperty("status", out var s) ? s.ToString() : "?";
            if (!root.TryGetProperty("entries", out var entries) && !root.TryGetProperty("checks", out entries))
                return status;
            var bad = entries.ValueKind == System.Text.Json.JsonValueKind.Object
                ? entries.EnumerateObject().Where(e => e.Value.TryGetProperty("status", out var st) && st.ToString() != "Healthy").Select(e => $"{e.Name}={e.Value.GetProperty("status")}")
                : entries.EnumerateArray().Where(e => e.TryGetProperty("status", out var st) && st.ToString() != "Healthy").Select(e => $"{(e.TryGetProperty("name", out var n) ? n.ToString() : "?")}={e.GetProperty("status")}");
            var list = string.Join(", ", bad);
            return list.Length == 0 ? status : $"{status} ({list})";
        }
        catch (System.Text.Json.JsonException)
        {
            return body.Length > 80 ? body[..80] : body;
        }
    }

    public void Dispose() => _http.Dispose();
}
