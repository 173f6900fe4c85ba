using System.Globalization;
using System.Text.Json;
using QueueFlow.IntegrationTests.Api;
using QueueFlow.IntegrationTests.Hosting;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;
using static QueueFlow.IntegrationTests.Api.JobRoutes;
using static QueueFlow.IntegrationTests.Api.Seeds.SeedCalls;

namespace QueueFlow.IntegrationTests.Observability;

/// <summary>
/// <c>Logging__Console__FormatterName=json</c> as an operator sets it: the worker as its own process writes one JSON
/// object per line, and a failed task's line names its job, task and attempt in its fields and its scope, as the README
/// shows. The process has a deployment of its own (prefix and database), so it alone applies the job's messages.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_the_worker_logs_as_json : IAsyncLifetime
{
    const string Prefix = "it-json-logs.";

    string _connectionString = null!;

    public async Task InitializeAsync()
    {
        await using (var amqp = await RawAmqpClient.ConnectAsync())
            await amqp.PurgeQuorumQueueAsync(Prefix + TestSettings.JobsQueue);
        _connectionString = await OwnDatabase.CreateAsync("json_logs");
    }

    public Task DisposeAsync() => OwnDatabase.DropAsync(_connectionString);

    [Fact]
    public async Task Should_write_one_json_object_per_line_with_the_jobs_ids_in_fields_and_scope()
    {
        var started = DateTimeOffset.UtcNow;
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__QueueFlow"] = _connectionString,
            ["Endpoints__Prefix"] = Prefix,
            ["Logging__Console__FormatterName"] = "json",
            ["Api__Keys__logs-admin__Key"] = ApiFactory.AdminKey,
            ["Api__Keys__logs-admin__Role"] = "admin",
        });
        var ready = worker.Output.Count;
        using var admin = new HttpClient { BaseAddress = worker.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        admin.DefaultRequestHeaders.Add("X-Api-Key", ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("json-logs"), 1));
        await using var amqp = await RawAmqpClient.ConnectAsync();
        var runs = await amqp.CollectAsync(Prefix + name);

        var id = await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{name}}"}""");
        bool OfJob(JsonElement message) => message.GetProperty("jobId").GetGuid() == id;
        var run = (await Eventually.Until(() => Task.FromResult(runs.ToArray()), r => r.Any(OfJob), "t1's RunTask")).Single(OfJob);
        using (var failed = await PostAsync(admin, $"/v2/jobs/{JobKeyOf(run)}/failure", """{ "retries": 0, "errorMessage": "bad input" }"""))
            Assert.True(failed.IsSuccessStatusCode, $"the failure was refused: {(int)failed.StatusCode}");
        await Eventually.Until(async () => (await JobAsync(admin, id)).GetProperty("status").GetString(), s => s == "Failed", "the job to fail");

        // Counting a bulk action's rows, as the dashboard does on every page it draws, is no warning either.
        foreach (var route in new[] { "/api/jobs/cancel/count", "/api/tasks/retry/count" })
        {
            using var counted = await admin.PostAsync(new Uri(route, UriKind.Relative), Json($$$"""{"filter":{"workflow":"{{{name}}}"}}"""));
            Assert.True(counted.IsSuccessStatusCode, $"{route} answered {(int)counted.StatusCode}");
        }

        // Camunda's "retries": 0 is the worker counting the attempts left, and the reason says so.
        const string reason = "no retries left, as the worker counts them: bad input";
        var message = $"Task t1 of job {id:D} failed at attempt 1: {reason}";
        var lines = await Eventually.Until(() => Task.FromResult(worker.Output), o => o.Any(l => l.Contains(message, StringComparison.Ordinal)),
            "the failed task's log line");

        // Every line is one JSON object: no plain text, no object spread over lines.
        var entries = lines.Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        Assert.All(entries, e => Assert.Equal(JsonValueKind.Object, e.ValueKind));
        var entry = entries.Single(e => e.GetProperty("Message").GetString() == message);

        // Once the worker was ready, nothing else on the way was worth a warning: each one is the job's failure, told by
        // the saga (before, the health probe the test polls may have found the timers not started yet).
        Assert.All(entries.Skip(ready).Where(e => e.GetProperty("LogLevel").GetString() is not ("Trace" or "Debug" or "Information")),
            e => Assert.Equal("QueueFlow.Core.Jobs.JobSagaStateMachine", e.GetProperty("Category").GetString()));

        Assert.Equal("Warning", entry.GetProperty("LogLevel").GetString());
        Assert.Equal("QueueFlow.Core.Jobs.JobSagaStateMachine", entry.GetProperty("Category").GetString());
        var timestamp = entry.GetProperty("Timestamp").GetString()!;
        Assert.EndsWith("Z", timestamp, StringComparison.Ordinal);
        Assert.InRange(DateTimeOffset.Parse(timestamp, CultureInfo.InvariantCulture), started.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));

        var state = entry.GetProperty("State");
        Assert.Equal(id.ToString("D"), state.GetProperty("JobId").GetString());
        Assert.Equal("t1", state.GetProperty("TaskId").GetString());
        Assert.Equal(1, state.GetProperty("Attempt").GetInt32());
        Assert.Equal(reason, state.GetProperty("Reason").GetString());
        var scope = Assert.Single(entry.GetProperty("Scopes").EnumerateArray(), s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("JobId", out _));
        Assert.Equal(id.ToString("D"), scope.GetProperty("JobId").GetString());
        Assert.Equal("t1", scope.GetProperty("TaskId").GetString());
    }
}
