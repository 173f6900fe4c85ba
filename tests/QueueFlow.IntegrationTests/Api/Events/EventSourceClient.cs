using System.Net;
using System.Text.Json;
using System.Threading.Channels;

namespace QueueFlow.IntegrationTests.Api.Events;

/// <summary>One message of a server-sent event stream: an event (id, type, data) or a comment line.</summary>
public sealed record SseMessage(string? Id, string? Event, JsonElement? Data, string? Comment);

/// <summary>A client reading <c>GET /api/events</c> as a browser's EventSource would, message by message.</summary>
public sealed class EventSourceClient : IAsyncDisposable
{
    readonly HttpResponseMessage _response;
    readonly CancellationTokenSource _stop = new();
    readonly Channel<SseMessage> _messages = Channel.CreateUnbounded<SseMessage>();
    readonly Task _reading;

    EventSourceClient(HttpResponseMessage response)
    {
        _response = response;
        // On its own thread, so the caller goes on while the stream stays open.
        _reading = Task.Run(ReadAsync);
    }

    public static async Task<EventSourceClient> OpenAsync(HttpClient client, string path, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Accept.Clear();
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
            request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        // The body of a 200 never ends: it is read only when the answer is something else.
        if (response.StatusCode != HttpStatusCode.OK)
            Assert.Fail($"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new EventSourceClient(response);
    }

    /// <summary>The next message, comments included; fails after <paramref name="timeout"/>.</summary>
    public async Task<SseMessage> NextAsync(TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            return await _messages.Reader.ReadAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no server-sent event arrived in time");
        }
    }

    /// <summary>The next events (comments skipped) up to and including the first that <paramref name="last"/> accepts.</summary>
    public async Task<List<SseMessage>> EventsUntilAsync(Func<SseMessage, bool> last)
    {
        var events = new List<SseMessage>();
        while (true)
        {
            var message = await NextAsync();
            if (message.Comment is not null)
                continue;
            events.Add(message);
            if (last(message))
                return events;
        }
    }

    async Task ReadAsync()
    {
        try
        {
            using var reader = new StreamReader(await _response.Content.ReadAsStreamAsync(_stop.Token));
            string? id = null, type = null, data = null;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (data is not null)
                        await _messages.Writer.WriteAsync(new SseMessage(id, type, JsonDocument.Parse(data).RootElement.Clone(), null));
                    (id, type, data) = (null, null, null);
                }
                else if (line.StartsWith(':'))
                {
                    await _messages.Writer.WriteAsync(new SseMessage(null, null, null, line[1..].Trim()));
                }
                else if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line[4..];
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    type = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = line[6..];
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
        }
        finally
        {
            _messages.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();

        // A body stream that does not see the cancellation leaves the reader abandoned, not awaited forever.
        await Task.WhenAny(_reading, Task.Delay(TimeSpan.FromSeconds(5)));
    }
}
