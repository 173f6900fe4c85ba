using System.CommandLine;

namespace QueueFlow.DashboardSoak;

/// <summary>The <c>ops/dashboard-soak</c> command line.</summary>
internal static class SoakCommand
{
    public static RootCommand Create()
    {
        var url = new Option<string>("--url") { Description = "The worker's web host serving the dashboard and the API.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        url.Validators.Add(r =>
        {
            if (!Uri.TryCreate(r.GetValueOrDefault<string>(), UriKind.Absolute, out _))
                r.AddError("--url must be an absolute URL");
        });
        var key = new Option<string>("--key") { Description = "An admin API key (it registers the soak's workflow and starts its jobs).", Required = true };
        var minutes = new Option<int>("--minutes") { Description = "How long the pages stay open.", DefaultValueFactory = _ => 60 };
        var sample = new Option<int>("--sample-seconds") { Description = "Seconds between two samples.", DefaultValueFactory = _ => 60 };
        var rate = new Option<double>("--jobs-per-second") { Description = "New jobs per second; each fails after a 5 s task timeout, so the pages keep changing.", DefaultValueFactory = _ => 1 };
        var chromium = new Option<string>("--chromium") { Description = "The chromium to drive (Playwright cannot download browsers here).", DefaultValueFactory = _ => "/usr/bin/chromium" };
        var workerPid = new Option<int?>("--worker-pid") { Description = "The worker's process id, to sample its resident memory." };
        foreach (var positive in new[] { minutes, sample })
        {
            positive.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() <= 0)
                    r.AddError($"{r.Option.Name} must be above 0");
            });
        }
        rate.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is <= 0 or > 100 or double.NaN)
                r.AddError("--jobs-per-second must be above 0 and at most 100");
        });

        var command = new RootCommand("Keeps the dashboard's overview and jobs pages open in headless chromium while jobs change, and prints their memory and the worker's over time.")
        {
            url, key, minutes, sample, rate, chromium, workerPid,
        };
        command.SetAction((parse, cancellationToken) => new SoakRun(new SoakOptions(
            new Uri(parse.GetValue(url)!.TrimEnd('/') + "/"), parse.GetValue(key)!, parse.GetValue(minutes), parse.GetValue(sample), parse.GetValue(rate),
            parse.GetValue(chromium)!, parse.GetValue(workerPid))).RunAsync(cancellationToken));
        return command;
    }
}
