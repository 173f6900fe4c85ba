using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using QueueFlow.Core.Telemetry;
using QueueFlow.IntegrationTests.Api;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;

namespace QueueFlow.IntegrationTests.Observability;

/// <summary>
/// A worker that records no spans (no OTLP endpoint, the default) still passes on the trace context its jobs' messages
/// came with, unchanged, so a producer's trace reaches the workers through QueueFlow as through any W3C propagator.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_job_runs_with_tracing_off(ApiFactory api) : IClassFixture<ApiFactory>
{
    const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    const string ProducerTraceParent = $"00-{TraceId}-b7ad6b7169203331-01";
    const string ProducerTraceState = "congo=t61rcWkgMzE";

    // What workers with their own tracing answer in: a span of theirs, a child of the RunTask's context.
    const string FailedAttemptTraceParent = $"00-{TraceId}-00f067aa0ba902b7-01";
    const string CompletedAttemptTraceParent = $"00-{TraceId}-53995c3f42cd8ad8-01";

    [Fact]
    public async Task Should_pass_each_commands_trace_context_on_to_the_tasks_it_dispatches()
    {
        Assert.False(QueueFlowTelemetry.ActivitySource.HasListeners(), "this test's worker must record no spans");
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        var name = QueueFlowFixture.Unique("untraced");
        await RegisterAsync(admin, $$"""
            { "name": "{{name}}",
              "tasks": [ { "id": "t1", "queue": "{{name}}", "retries": 1, "retryDelaySeconds": 1 }, { "id": "t2", "queue": "{{name}}" } ],
              "transitions": [ { "from": "workflow_start", "to": "t1" }, { "from": "t1", "to": "t2" }, { "from": "t2", "to": "workflow_end" } ] }
            """);

        await using var amqp = await RawAmqpClient.ConnectAsync();
        var runs = new ConcurrentQueue<Run>();
        await amqp.ConsumeAsync(name, (run, headers) =>
        {
            runs.Enqueue(new Run(run, RawAmqpClient.HeaderText(headers, "traceparent"), RawAmqpClient.HeaderText(headers, "tracestate")));
            return Task.CompletedTask;
        });

        var jobId = Guid.NewGuid();
        await amqp.PublishAsync("QueueFlow.Contracts:StartJob", "StartJob", $$"""{ "jobId": "{{jobId}}", "workflow": "{{name}}" }""",
            headers: new Dictionary<string, object?> { ["traceparent"] = ProducerTraceParent, ["tracestate"] = ProducerTraceState });

        // No span of QueueFlow's between: the RunTask names the producer's own span, with its tracestate.
        var first = await RunOfAsync(runs, jobId, "t1", 1);
        Assert.Equal(ProducerTraceParent, first.TraceParent);
        Assert.Equal(ProducerTraceState, first.TraceState);

        // The retry is dispatched by a timer a second later: the context goes through the timer store too.
        await AnswerAsync(amqp, "FailTask", first, FailedAttemptTraceParent, """ "error": "disk full" """);
        var retried = await RunOfAsync(runs, jobId, "t1", 2);
        Assert.Equal(FailedAttemptTraceParent, retried.TraceParent);
        Assert.Null(retried.TraceState);

        await AnswerAsync(amqp, "CompleteTask", retried, CompletedAttemptTraceParent);
        var next = await RunOfAsync(runs, jobId, "t2", 1);
        Assert.Equal(CompletedAttemptTraceParent, next.TraceParent);

        // A header that is no W3C context is ignored, not refused: the command is applied all the same.
        await AnswerAsync(amqp, "CompleteTask", next, "00-not-a-trace-context");
        await Eventually.Until(async () =>
        {
            using var response = await reader.GetAsync(new Uri($"/api/jobs/{jobId}", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK ? (await BodyAsync(response)).GetProperty("status").GetString() : null;
        }, s => s == "Completed", "the job to complete");

        // An invalid context (the all-zero trace id) is dropped, not passed on.
        var untraced = Guid.NewGuid();
        await amqp.PublishAsync("QueueFlow.Contracts:StartJob", "StartJob", $$"""{ "jobId": "{{untraced}}", "workflow": "{{name}}" }""",
            headers: new Dictionary<string, object?> { ["traceparent"] = "00-00000000000000000000000000000000-b7ad6b7169203331-01" });
        var unparented = await RunOfAsync(runs, untraced, "t1", 1);
        Assert.Null(unparented.TraceParent);
        Assert.Null(unparented.TraceState);
    }

    [Fact]
    public async Task Should_keep_a_job_started_over_http_in_its_callers_trace()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        var name = QueueFlowFixture.Unique("untraced-http");
        await RegisterAsync(admin, Workflows.Chain(name, 1));
        await using var amqp = await RawAmqpClient.ConnectAsync();
        var runs = new ConcurrentQueue<Run>();
        await amqp.ConsumeAsync(name, (run, headers) =>
        {
            runs.Enqueue(new Run(run, RawAmqpClient.HeaderText(headers, "traceparent"), RawAmqpClient.HeaderText(headers, "tracestate")));
            return Task.CompletedTask;
        });

        admin.DefaultRequestHeaders.Add("traceparent", ProducerTraceParent);
        var jobId = await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{name}}"}""");

        // ASP.NET Core starts the request's own span (unrecorded) as a child of the caller's: the RunTask is in that
        // trace, under the request's span rather than the caller's.
        var run = await RunOfAsync(runs, jobId, "t1", 1);
        Assert.NotNull(run.TraceParent);
        Assert.Equal(TraceId, run.TraceParent!.Split('-')[1]);
        Assert.NotEqual(ProducerTraceParent, run.TraceParent);
    }

    sealed record Run(JsonElement Message, string? TraceParent, string? TraceState);

    static async Task<Run> RunOfAsync(ConcurrentQueue<Run> runs, Guid jobId, string taskId, int attempt)
    {
        bool Matches(Run r) => r.Message.GetProperty("jobId").GetGuid() == jobId && r.Message.GetProperty("taskId").GetString() == taskId
            && r.Message.GetProperty("attempt").GetInt32() == attempt;
        var all = await Eventually.Until(() => Task.FromResult(runs.ToArray()), a => a.Any(Matches), $"RunTask of {taskId} attempt {attempt}");
        return all.Single(Matches);
    }

    static Task AnswerAsync(RawAmqpClient amqp, string contract, Run run, string traceParent, string? extra = null)
    {
        var head = $$"""{ "jobId": "{{run.Message.GetProperty("jobId").GetGuid()}}", "taskId": "{{run.Message.GetProperty("taskId").GetString()}}", "attemptId": "{{run.Message.GetProperty("attemptId").GetGuid()}}" """;
        return amqp.PublishAsync($"QueueFlow.Contracts:{contract}", contract, extra is null ? head + "}" : $"{head}, {extra} }}",
            headers: new Dictionary<string, object?> { ["traceparent"] = traceParent });
    }
}
