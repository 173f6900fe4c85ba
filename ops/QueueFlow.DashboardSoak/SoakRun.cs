using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace QueueFlow.DashboardSoak;

/// <summary>
/// Signs in, opens the overview and the jobs list (newest first) in one headless chromium, and leaves them open while
/// new jobs start at a steady rate and fail after a short task timeout, so both pages keep following the event stream
/// and re-reading themselves. Every sample forces a garbage collection in each page first, so what is printed is what
/// the page holds on to, not garbage not collected yet. Ends with the first and last quarter compared.
/// </summary>
internal sealed class SoakRun(SoakOptions options)
{
    const string Workflow = "dashboard-soak";
    const string Queue = "dashboard-soak";
    const double Mib = 1024 * 1024;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var api = new HttpClient { BaseAddress = options.Url };
        api.DefaultRequestHeaders.Add("X-Api-Key", options.Key);
        using (var registered = await api.PostAsync("api/workflows", JsonContent.Create(Definition()), cancellationToken))
        {
            if (!registered.IsSuccessStatusCode)
            {
                await Console.Error.WriteLineAsync($"registering the soak workflow: {(int)registered.StatusCode} {await registered.Content.ReadAsStringAsync(cancellationToken)}");
                return 2;
            }
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = options.Chromium, Headless = true, Args = ["--no-sandbox"] });
        var context = await browser.NewContextAsync(new() { BaseURL = options.Url.ToString() });
        var overview = await context.NewPageAsync();
        await overview.GotoAsync("dashboard/signin");
        await overview.FillAsync("input[name=key]", options.Key);
        await overview.ClickAsync("button:has-text('Sign in')");
        await overview.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/dashboard/$"));
        var jobs = await context.NewPageAsync();
        await jobs.GotoAsync("dashboard/jobs?sort=newest");
        var overviewCdp = await context.NewCDPSessionAsync(overview);
        var jobsCdp = await context.NewCDPSessionAsync(jobs);
        await overviewCdp.SendAsync("Performance.enable");
        await jobsCdp.SendAsync("Performance.enable");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = 0;
        var load = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / options.JobsPerSecond));
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                using var answer = await api.PostAsync("api/jobs", JsonContent.Create(new { workflow = Workflow }), stop.Token);
                if (answer.IsSuccessStatusCode)
                    Interlocked.Increment(ref started);
            }
        }, stop.Token);

        var samples = new List<SoakSample>();
        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromMinutes(options.Minutes);
        Console.WriteLine("| minute | jobs started | overview JS heap | overview DOM nodes | jobs page JS heap | jobs page DOM nodes | listeners (overview / jobs) | worker RSS |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        using var sampling = new PeriodicTimer(TimeSpan.FromSeconds(options.SampleSeconds));
        while (true)
        {
            var sample = new SoakSample(clock.Elapsed, Volatile.Read(ref started), await MeasureAsync(overviewCdp), await MeasureAsync(jobsCdp), WorkerRss());
            samples.Add(sample);
            Console.WriteLine(Row(sample));
            if (clock.Elapsed >= end)
                break;
            await sampling.WaitForNextTickAsync(cancellationToken);
        }

        await stop.CancelAsync();
        try
        {
            await load;
        }
        catch (OperationCanceledException)
        {
            // The load stops with the run.
        }

        await context.CloseAsync();
        var (verdict, grew) = Verdict(samples);
        Console.WriteLine();
        Console.WriteLine(verdict);
        return grew ? 1 : 0;
    }

    static object Definition() => new
    {
        name = Workflow,
        tasks = new[] { new { id = "t1", queue = Queue, timeoutSeconds = 5, retries = 0 } },
        transitions = new[] { new { from = "workflow_start", to = "t1" }, new { from = "t1", to = "workflow_end" } },
    };

    static async Task<PageMemory> MeasureAsync(ICDPSession cdp)
    {
        await cdp.SendAsync("HeapProfiler.collectGarbage");
        var answer = await cdp.SendAsync("Performance.getMetrics");
        var metrics = answer!.Value.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetDouble());
        return new PageMemory(metrics["JSHeapUsedSize"], metrics["Nodes"], metrics["JSEventListeners"]);
    }

    long? WorkerRss()
    {
        if (options.WorkerPid is not { } pid)
            return null;
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    static string Row(SoakSample s) => string.Create(CultureInfo.InvariantCulture,
        $"| {s.At.TotalMinutes:0.0} | {s.JobsStarted:N0} | {s.Overview.HeapBytes / Mib:0.00} MiB | {s.Overview.Nodes:0} | {s.Jobs.HeapBytes / Mib:0.00} MiB | {s.Jobs.Nodes:0} | {s.Overview.Listeners:0} / {s.Jobs.Listeners:0} | {(s.WorkerRssBytes is { } rss ? $"{rss / Mib:0} MiB" : "—")} |");

    /// <summary>
    /// The last quarter's mean against the first quarter's (the first sample left out: it is taken before the pages have
    /// settled). Growth of both more than 10 % and more than 1 MiB (or 200 DOM nodes) in a page is called a leak.
    /// </summary>
    static (string Text, bool Grew) Verdict(List<SoakSample> samples)
    {
        var settled = samples.Skip(1).ToList();
        if (settled.Count < 4)
            return ("Too few samples for a verdict (at least five are needed).", false);
        var quarter = settled.Count / 4;
        var first = settled.Take(quarter).ToList();
        var last = settled.Skip(settled.Count - quarter).ToList();
        var text = new StringBuilder("First quarter → last quarter (means): ");
        var grew = false;
        void Compare(string what, Func<SoakSample, double> value, double unit, string unitName, double tolerance)
        {
            var (a, b) = (first.Average(value), last.Average(value));
            var leak = b > a * 1.10 && b - a > tolerance;
            grew |= leak;
            text.Append(CultureInfo.InvariantCulture, $"{what} {a / unit:0.00} → {b / unit:0.00} {unitName}{(leak ? " (GREW)" : "")}; ");
        }

        Compare("overview heap", s => s.Overview.HeapBytes, Mib, "MiB", Mib);
        Compare("overview nodes", s => s.Overview.Nodes, 1, "", 200);
        Compare("jobs page heap", s => s.Jobs.HeapBytes, Mib, "MiB", Mib);
        Compare("jobs page nodes", s => s.Jobs.Nodes, 1, "", 200);
        if (samples.All(s => s.WorkerRssBytes is not null))
            Compare("worker RSS", s => s.WorkerRssBytes!.Value, Mib, "MiB", 32 * Mib);
        text.Append(grew ? "memory grew." : "no growth.");
        return (text.ToString(), grew);
    }
}
