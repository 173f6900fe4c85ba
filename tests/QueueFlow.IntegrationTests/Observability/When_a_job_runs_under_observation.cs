using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using QueueFlow.IntegrationTests.Api;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;

namespace QueueFlow.IntegrationTests.Observability;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_job_runs_under_observation(ObservedWorkerFactory observed) : IClassFixture<ObservedWorkerFactory>
{
    // A producer's own trace: StartJob is sent in it, and everything the job does must stay in it.
    const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const string ProducerTraceParent = $"00-{TraceId}-00f067aa0ba902b7-01";

    [Fact]
    public async Task Should_count_each_command_and_task_change_once_and_keep_the_job_in_its_producers_trace()
    {
        var api = observed.Api;
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        using var anonymous = api.ClientWith(null);
        var name = QueueFlowFixture.Unique("observed");
        await RegisterAsync(admin, $$"""
            { "name": "{{name}}",
              "tasks": [ { "id": "t1", "queue": "{{name}}", "retries": 1, "retryDelaySeconds": 0 }, { "id": "t2", "queue": "{{name}}", "retries": 0 } ],
              "transitions": [ { "from": "workflow_start", "to": "t1" }, { "from": "t1", "to": "t2" }, { "from": "t2", "to": "workflow_end" } ] }
            """);
        var before = await ScrapeAsync(anonymous);

        await using var amqp = await RawAmqpClient.ConnectAsync();
        var runs = new ConcurrentQueue<(JsonElement Run, string? TraceParent)>();
        await amqp.ConsumeAsync(name, (run, headers) =>
        {
            runs.Enqueue((run, RawAmqpClient.HeaderText(headers, "traceparent")));
            return Task.CompletedTask;
        });

        var jobId = Guid.NewGuid();
        await amqp.PublishAsync("QueueFlow.Contracts:StartJob", "StartJob", $$"""{ "jobId": "{{jobId}}", "workflow": "{{name}}" }""",
            headers: new Dictionary<string, object?> { ["traceparent"] = ProducerTraceParent });

        // t1 fails once and is retried, then completes; t2 fails with no retry left, which fails the job.
        var t1First = await RunOfAsync(runs, "t1", 1);
        await Eventually.Until(() => ScrapeAsync(anonymous),
            s => PrometheusText.Sum(s, "queueflow_jobs", ("queueflow_status", "Running")) >= 1 && PrometheusText.Sum(s, "queueflow_tasks", ("queueflow_status", "Running")) >= 1,
            "the gauges to count the running job and task");
        await SendAsync(amqp, "FailTask", t1First, """ "error": "disk full" """);
        var t1Second = await RunOfAsync(runs, "t1", 2);
        await SendAsync(amqp, "CompleteTask", t1Second);
        var t2 = await RunOfAsync(runs, "t2", 1);
        await SendAsync(amqp, "FailTask", t2, """ "error": "bad input" """);
        await Eventually.Until(async () =>
        {
            using var response = await reader.GetAsync(new Uri($"/api/jobs/{jobId}", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK ? (await BodyAsync(response)).GetProperty("status").GetString() : null;
        }, s => s == "Failed", "the job to fail");

        var workflow = ("queueflow_workflow", name);
        double Delta(string scrape, string metric, params (string, string)[] labels) =>
            PrometheusText.Sum(scrape, metric, [workflow, .. labels]) - PrometheusText.Sum(before, metric, [workflow, .. labels]);

        // A message's phases are recorded once its job's lock is released, a little after its commit shows.
        double Phase(string scrape, string phase, string series = "count") =>
            Delta(scrape, $"queueflow_message_phase_duration_seconds_{series}", ("queueflow_phase", phase));
        var after = await Eventually.Until(() => ScrapeAsync(anonymous),
            s => Delta(s, "queueflow_tasks_failed_total") >= 1 && Phase(s, "release") >= 4,
            "the metrics to show the failed task and the last message's phases");

        Assert.Equal(1, Delta(after, "queueflow_commands_applied_total", ("queueflow_command", "StartJob"), ("queueflow_outcome", "Accepted")));
        Assert.Equal(2, Delta(after, "queueflow_commands_applied_total", ("queueflow_command", "FailTask"), ("queueflow_outcome", "Accepted")));
        Assert.Equal(1, Delta(after, "queueflow_commands_applied_total", ("queueflow_command", "CompleteTask"), ("queueflow_outcome", "Accepted")));
        Assert.Equal(1, Delta(after, "queueflow_tasks_completed_total"));
        Assert.Equal(1, Delta(after, "queueflow_tasks_failed_total"));
        Assert.Equal(1, Delta(after, "queueflow_tasks_retried_total"));
        Assert.Equal(3, Delta(after, "queueflow_task_dispatch_duration_seconds_count"));
        // Each of the four commands went through every phase of the job path; the three
        // RunTasks were sent; and the time is real time, not zero.
        foreach (var phase in new[] { "read", "apply", "commit", "release" })
            Assert.InRange(Phase(after, phase), 4, 6);
        Assert.InRange(Phase(after, "send"), 3, 6);
        Assert.Equal(Phase(after, "apply"), Phase(after, "commit"));
        Assert.True(Phase(after, "commit", "sum") > 0, "the commits' time is recorded");
        Assert.Contains("# TYPE queueflow_outbox_backlog gauge", after, StringComparison.Ordinal);
        Assert.Contains("# TYPE queueflow_timers_pending gauge", after, StringComparison.Ordinal);
        // The runtime's own meter: the process's working set and the GC heap after the last collection (one has run by now).
        Assert.True(PrometheusText.Sum(after, "dotnet_process_memory_working_set_bytes") > 0, "the working set is exported");
        Assert.True(PrometheusText.Sum(after, "dotnet_gc_last_collection_heap_size_bytes") > 0, "the heap after the last GC is exported");

        // Every RunTask of the job, the retry and the task after a completion included, is in the producer's trace.
        Assert.All(runs.Where(r => r.Run.GetProperty("jobId").GetGuid() == jobId), r =>
        {
            Assert.NotNull(r.TraceParent);
            Assert.Equal(TraceId, r.TraceParent!.Split('-')[1]);
        });
    }

    [Fact]
    public async Task Should_answer_live_at_once_and_ready_naming_each_dependency()
    {
        using var anonymous = observed.Api.ClientWith(null);

        using var live = await anonymous.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(["process"], (await BodyAsync(live)).GetProperty("checks").EnumerateObject().Select(c => c.Name));

        var ready = await Eventually.Until(async () =>
        {
            using var response = await anonymous.GetAsync(new Uri("/health/ready", UriKind.Relative));
            return (response.StatusCode, Body: await BodyAsync(response));
        }, r => r.StatusCode == HttpStatusCode.OK, "the worker to be ready");
        var checks = ready.Body.GetProperty("checks");
        foreach (var check in new[] { "postgresql", "masstransit-bus", "timers", "outbox-relay" })
            Assert.Equal("Healthy", checks.GetProperty(check).GetProperty("status").GetString());
        Assert.False(checks.TryGetProperty("process", out _));
    }

    static async Task<string> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    static async Task<(JsonElement Run, string? TraceParent)> RunOfAsync(ConcurrentQueue<(JsonElement Run, string? TraceParent)> runs, string taskId, int attempt)
    {
        bool Matches((JsonElement Run, string?) r) => r.Run.GetProperty("taskId").GetString() == taskId && r.Run.GetProperty("attempt").GetInt32() == attempt;
        var all = await Eventually.Until(() => Task.FromResult(runs.ToArray()), a => a.Any(Matches), $"RunTask of {taskId} attempt {attempt}");
        return all.Single(Matches);
    }

    /// <summary>Answers a RunTask as a worker with a W3C propagator would: in the trace the RunTask carried.</summary>
    static Task SendAsync(RawAmqpClient amqp, string contract, (JsonElement Run, string? TraceParent) run, string? extra = null)
    {
        var head = $$"""{ "jobId": "{{run.Run.GetProperty("jobId").GetGuid()}}", "taskId": "{{run.Run.GetProperty("taskId").GetString()}}", "attemptId": "{{run.Run.GetProperty("attemptId").GetGuid()}}" """;
        var headers = new Dictionary<string, object?>();
        if (run.TraceParent is not null)
            headers["traceparent"] = run.TraceParent;
        return amqp.PublishAsync($"QueueFlow.Contracts:{contract}", contract, extra is null ? head + "}" : $"{head}, {extra} }}", headers: headers);
    }
}
