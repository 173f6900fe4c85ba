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
        Console.WriteLine("| minute | jobs started | overview JS heap | overview DOM nodes (document / renderer) | jobs page JS heap | jobs page DOM nodes (document / renderer) | listeners (overview / jobs) | worker RSS | worker GC heap |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        using var sampling = new PeriodicTimer(TimeSpan.FromSeconds(options.SampleSeconds));
        while (true)
        {
            var sample = new SoakSample(clock.Elapsed, Volatile.Read(ref started), await MeasureAsync(overviewCdp), await MeasureAsync(jobsCdp), WorkerRss(), await WorkerGcHeapAsync(api, cancellationToken));
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
        var document = await cdp.SendAsync("Runtime.evaluate", new() { ["expression"] = "document.getElementsByTagName('*').length", ["returnByValue"] = true });
        var elements = document!.Value.GetProperty("result").GetProperty("value").GetDouble();
        return new PageMemory(metrics["JSHeapUsedSize"], metrics["Nodes"], elements, metrics["JSEventListeners"]);
    }

    /// <summary>The worker's GC heap after its last collection (the runtime's meter on /metrics, summed over generations).</summary>
    static async Task<double?> WorkerGcHeapAsync(HttpClient api, CancellationToken cancellationToken)
    {
        try
        {
            var scrape = await api.GetStringAsync(new Uri("metrics", UriKind.Relative), cancellationToken);
            var values = scrape.Split('\n')
                .Where(l => l.StartsWith("dotnet_gc_last_collection_heap_size_bytes", StringComparison.Ordinal))
                .Select(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))
                .ToList();
            return values.Count == 0 ? null : values.Sum();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    long? WorkerRss()
    {
        if (options.WorkerPid is not { } pid)
            return null;
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    static string Row(SoakSample s) => string.Create(CultureInfo.InvariantCulture,
        $"| {s.At.TotalMinutes:0.0} | {s.JobsStarted:N0} | {s.Overview.HeapBytes / Mib:0.00} MiB | {s.Overview.DocumentNodes:0} / {s.Overview.Nodes:0} | {s.Jobs.HeapBytes / Mib:0.00} MiB | {s.Jobs.DocumentNodes:0} / {s.Jobs.Nodes:0} | {s.Overview.Listeners:0} / {s.Jobs.Listeners:0} | {(s.WorkerRssBytes is { } rss ? $"{rss / Mib:0} MiB" : "—")} | {(s.WorkerGcHeapBytes is { } gc ? $"{gc / Mib:0.0} MiB" : "—")} |");

    /// <summary>
    /// The last quarter against the first (the first sample left out: it is taken before the pages have settled), by
    /// their means, except the renderer's node count, by its least value: swapped-out copies of a page wait to be swept
    /// for a while after a collection, so that count jumps by a page's worth from one sample to the next, while anything
    /// held on to would raise its floor. Growth of both more than 10 % and more than a margin (1 MiB of heap, 200 nodes,
    /// 32 MiB of RSS, 8 MiB of the worker's GC heap) is called a leak.
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
        void Compare(string what, Func<SoakSample, double> value, double unit, string unitName, double tolerance, bool floor = false)
        {
            var (a, b) = floor ? (first.Min(value), last.Min(value)) : (first.Average(value), last.Average(value));
            var leak = b > a * 1.10 && b - a > tolerance;
            grew |= leak;
            text.Append(CultureInfo.InvariantCulture, $"{what} {a / unit:0.00} → {b / unit:0.00} {unitName}{(leak ? " (GREW)" : "")}; ");
        }

        Compare("overview heap", s => s.Overview.HeapBytes, Mib, "MiB", Mib);
        Compare("overview document nodes", s => s.Overview.DocumentNodes, 1, "", 200);
        Compare("overview renderer nodes (least)", s => s.Overview.Nodes, 1, "", 200, floor: true);
        Compare("jobs page heap", s => s.Jobs.HeapBytes, Mib, "MiB", Mib);
        Compare("jobs page document nodes", s => s.Jobs.DocumentNodes, 1, "", 200);
        Compare("jobs page renderer nodes (least)", s => s.Jobs.Nodes, 1, "", 200, floor: true);
        if (samples.All(s => s.WorkerRssBytes is not null))
            Compare("worker RSS", s => s.WorkerRssBytes!.Value, Mib, "MiB", 32 * Mib);
        if (settled.All(s => s.WorkerGcHeapBytes is not null))
            Compare("worker GC heap", s => s.WorkerGcHeapBytes!.Value, Mib, "MiB", 8 * Mib);
        text.Append(grew ? "memory grew." : "no growth.");
        return (text.ToString(), grew);
    }
}
