using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Hosting;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Cli;

/// <summary>
/// The <c>queueflow</c> CLI, built and run as a process against a worker process over real HTTP, PostgreSQL and
/// RabbitMQ: from a poison message's first sight to its repair, with <c>--json</c> output parsed and exit codes checked.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_an_operator_repairs_a_failure_with_the_cli(QueueFlowFixture fixture)
{
    const string OperatorKey = "cli-operator-key-0123456789";
    const string AdminKey = "cli-admin-key-0123456789";

    [Fact]
    public async Task Should_find_the_poison_message_refuse_it_unfixed_replay_it_fixed_and_show_the_replay_in_the_history()
    {
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Api__Keys__cli-operator__Key"] = OperatorKey,
            ["Api__Keys__cli-operator__Role"] = "operator",
            ["Api__Keys__cli-admin__Key"] = AdminKey,
            ["Api__Keys__cli-admin__Role"] = "admin",
        });
        var url = worker.BaseAddress;
        var runs = new List<CliProcess.Run>();
        async Task<CliProcess.Run> Cli(string? key, params string[] arguments)
        {
            var run = await CliProcess.RunAsync(url, key, arguments);
            runs.Add(run);
            return run;
        }

        var name = QueueFlowFixture.Unique("cli");
        var file = Path.Combine(Path.GetTempPath(), $"{name}.json");
        await File.WriteAllTextAsync(file, Workflows.Chain(name, 2));
        var valid = await Cli(null, "workflows", "validate", file, "--json");
        Assert.True(valid.ExitCode == 0, valid.ToString());
        Assert.True(valid.Json.GetProperty("valid").GetBoolean());
        var registered = await Cli(AdminKey, "workflows", "register", file, "--json");
        Assert.True(registered.ExitCode == 0, registered.ToString());

        var started = await Cli(OperatorKey, "jobs", "start", name, "--json");
        Assert.True(started.ExitCode == 0, started.ToString());
        var jobId = started.Json.GetProperty("id").GetGuid();
        var attemptId = await Eventually.Until(async () =>
        {
            var shown = await Cli(OperatorKey, "jobs", "show", jobId.ToString(), "--json");
            var t1 = shown.Json.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("taskId").GetString() == "t1");
            return t1.GetProperty("status").GetString() == "Running" ? t1.GetProperty("attemptId").GetGuid() : Guid.Empty;
        }, id => id != Guid.Empty, "t1 to run");

        // A worker's completion without its type header lands in the store.
        await fixture.Amqp.PublishAsync(TestSettings.JobsQueue, contract: null, $$"""{ "jobId": "{{jobId}}", "taskId": "t1", "attemptId": "{{attemptId}}" }""");
        var listed = await Eventually.Until(() => Cli(OperatorKey, "dead-letters", "list", "--job", jobId.ToString(), "--json"),
            run => run.ExitCode == 0 && run.Json.GetProperty("items").GetArrayLength() == 1, "the dead letter in the CLI's list");
        var deadLetter = listed.Json.GetProperty("items")[0];
        var id = deadLetter.GetProperty("id").GetString()!;
        Assert.Equal(("Pending", "t1"), (deadLetter.GetProperty("status").GetString(), deadLetter.GetProperty("taskId").GetString()));
        var status = await Cli(OperatorKey, "status", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.True(status.Json.GetProperty("deadLetters").GetProperty("Pending").GetInt32() >= 1);
        Assert.True(status.Json.GetProperty("tasks").GetProperty("Running").GetInt32() >= 1);
        Assert.Equal(JsonValueKind.Object, status.Json.GetProperty("oldestRunningTask").ValueKind);
        Assert.True(status.Json.GetProperty("outbox").GetProperty("lagSeconds").GetDouble() >= 0);
        var human = await Cli(OperatorKey, "status");
        Assert.True(human.ExitCode == 0 && human.Output.Contains("oldest running task:", StringComparison.Ordinal), human.ToString());

        // Nothing consumes the workflow's task queue, so t1's RunTask waits there; the management API refreshes every few seconds.
        var backlog = await Eventually.Until(() => Cli(OperatorKey, "status", "--json"), run => run.ExitCode == 0
            && run.Json.GetProperty("queues").EnumerateArray().Any(q => q.GetProperty("queue").GetString() == name
                && q.GetProperty("backlog") is { ValueKind: JsonValueKind.Object } b && b.GetProperty("ready").GetInt64() == 1), "the task queue's backlog in status --json");
        var queue = backlog.Json.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("queue").GetString() == name);
        Assert.Equal((1, 0), (queue.GetProperty("tasks").GetProperty("Running").GetInt32(), queue.GetProperty("backlog").GetProperty("consumers").GetInt32()));
        var table = await Cli(OperatorKey, "status");
        var row = table.Output.Split('\n').SingleOrDefault(line => line.StartsWith('│') && line.Contains(name, StringComparison.Ordinal));
        Assert.True(row is not null && row.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).SequenceEqual([name, "1", "0", "0", "1", "0"]), table.ToString());
        var shownLetter = await Cli(OperatorKey, "dead-letters", "show", id, "--json");
        Assert.Contains("MT-MessageType", shownLetter.Json.GetProperty("headers").GetProperty("QF-Reason").GetString(), StringComparison.Ordinal);

        var dry = await Cli(OperatorKey, "dead-letters", "replay", id, "--set-type", "CompleteTask", "--dry-run", "--json");
        Assert.Equal((0, 1, "WouldBeDone"), (dry.ExitCode, dry.Json.GetProperty("done").GetInt32(), dry.Json.GetProperty("items")[0].GetProperty("outcome").GetString()));
        var elsewhere = await Cli(OperatorKey, "dead-letters", "replay", id, "--set-type", "CompleteTask", "--destination", "queue:billing-v2", "--dry-run", "--json");
        Assert.Equal((0, "queue:billing-v2"), (elsewhere.ExitCode, elsewhere.Json.GetProperty("items")[0].GetProperty("destination").GetString()));
        var nowhere = await Cli(OperatorKey, "dead-letters", "replay", id, "--destination", "billing-v2", "--dry-run");
        Assert.True(nowhere.ExitCode == 2 && nowhere.Error.Contains("destination must be exchange:NAME, queue:NAME or task:NAME", StringComparison.Ordinal), nowhere.ToString());
        var refused = await Cli(OperatorKey, "dead-letters", "replay", id, "--json");
        Assert.Equal((1, "StillMalformed"), (refused.ExitCode, refused.Json.GetProperty("items")[0].GetProperty("outcome").GetString()));
        var replayed = await Cli(OperatorKey, "dead-letters", "replay", id, "--set-type", "CompleteTask", "--json");
        Assert.True(replayed.ExitCode == 0, replayed.ToString());
        Assert.Equal((1, 1), (replayed.Json.GetProperty("matched").GetInt32(), replayed.Json.GetProperty("done").GetInt32()));

        var history = await Eventually.Until(() => Cli(OperatorKey, "jobs", "history", jobId.ToString(), "--json"),
            run => run.Json.GetProperty("items").EnumerateArray().Any(h => h.GetProperty("kind").GetString() == "CommandReplayed"), "the replay in the job's history");
        var replay = history.Json.GetProperty("items").EnumerateArray().Single(h => h.GetProperty("kind").GetString() == "CommandReplayed");
        Assert.Equal($"CompleteTask replayed from dead letter {id} by cli-operator (Accepted)", replay.GetProperty("detail").GetString());

        // Exit codes say what happened; the key is never printed.
        Assert.Equal(3, (await Cli(OperatorKey, "dead-letters", "show", Guid.NewGuid().ToString())).ExitCode);
        Assert.Equal(4, (await Cli("wrong-key-0123456789abcdef", "jobs", "list")).ExitCode);
        Assert.Equal(4, (await Cli(OperatorKey, "workflows", "register", file)).ExitCode);
        await File.WriteAllTextAsync(file, """{ "name": "x", "tasks": [], "transitions": [] }""");
        var invalid = await Cli(null, "workflows", "validate", file, "--json");
        Assert.Equal(2, invalid.ExitCode);
        Assert.Equal(JsonValueKind.Array, invalid.Json.GetProperty("errors").ValueKind);
        Assert.NotEqual(0, invalid.Json.GetProperty("errors").GetArrayLength());
        Assert.DoesNotContain(runs, r => r.Output.Contains(OperatorKey, StringComparison.Ordinal) || r.Error.Contains(OperatorKey, StringComparison.Ordinal));
        File.Delete(file);
    }

    [Fact]
    public async Task Should_follow_a_job_live_until_it_completes()
    {
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Api__Keys__cli-reader__Key"] = OperatorKey,
            ["Api__Keys__cli-reader__Role"] = "reader",
        });
        var name = QueueFlowFixture.Unique("cli-watch");
        Assert.True((await fixture.RegisterWorkflowAsync(Workflows.Chain(name, 1))).Accepted);
        var jobId = Guid.NewGuid();
        await fixture.SendAsync(new QueueFlow.Contracts.StartJob { JobId = jobId, Workflow = name });
        var job = await Eventually.Until(() => fixture.FindJobAsync(jobId), j => j?.Tasks.Single().AttemptId is not null, "t1 to run");

        var watching = CliProcess.RunAsync(worker.BaseAddress, OperatorKey, "jobs", "watch", jobId.ToString(), "--json");
        await fixture.SendAsync(new QueueFlow.Contracts.CompleteTask { JobId = jobId, TaskId = "t1", AttemptId = job!.Tasks.Single().AttemptId!.Value });
        var watched = await watching;

        Assert.True(watched.ExitCode == 0, watched.ToString());
        var kinds = watched.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("kind").GetString()).ToList();
        Assert.Equal("JobStarted", kinds[0]);
        Assert.Equal("JobCompleted", kinds[^1]);
        Assert.Contains("TaskCompleted", kinds);
    }

    [Fact]
    public async Task Should_retry_failed_tasks_by_filter_and_report_the_counts()
    {
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Api__Keys__cli-operator__Key"] = OperatorKey,
            ["Api__Keys__cli-operator__Role"] = "operator",
        });
        var name = QueueFlowFixture.Unique("cli-retry");
        Assert.True((await fixture.RegisterWorkflowAsync(Workflows.Chain(name, 1))).Accepted);
        var ids = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var id in ids)
            await fixture.SendAsync(new QueueFlow.Contracts.StartJob { JobId = id, Workflow = name });
        foreach (var (id, index) in ids.Select((id, index) => (id, index)))
        {
            var job = await Eventually.Until(() => fixture.FindJobAsync(id), j => j?.Tasks.Single().AttemptId is not null, "t1 to run");
            var error = index < 5 ? "printer on fire" : "paper jam";
            await fixture.SendAsync(new QueueFlow.Contracts.FailTask { JobId = id, TaskId = "t1", AttemptId = job!.Tasks.Single().AttemptId!.Value, Error = error, Terminal = true });
        }

        // Counted first: what a retry of this filter would take, with nothing retried.
        var counted = await CliProcess.RunAsync(worker.BaseAddress, OperatorKey, "tasks", "retry", "--workflow", name, "--error", "printer", "--count");
        Assert.True(counted.ExitCode == 0, counted.ToString());
        Assert.Equal("5 Failed or TimedOut tasks match", counted.Output.Trim());

        var run = await CliProcess.RunAsync(worker.BaseAddress, OperatorKey, "tasks", "retry", "--workflow", name, "--error", "printer", "--page-size", "2", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal((5, 5, 3), (run.Json.GetProperty("matched").GetInt32(), run.Json.GetProperty("done").GetInt32(), run.Json.GetProperty("pages").GetInt32()));
        var again = await CliProcess.RunAsync(worker.BaseAddress, OperatorKey, "tasks", "retry", "--workflow", name, "--error", "printer");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("retried: 0 of 0 matched", again.Output, StringComparison.Ordinal);

        // Output redirected (as here) gets one plain progress line a page with counts and rate, no redrawn bar.
        var human = await CliProcess.RunAsync(worker.BaseAddress, OperatorKey, "tasks", "retry", "--workflow", name, "--error", "paper", "--page-size", "2");
        Assert.True(human.ExitCode == 0, human.ToString());
        Assert.DoesNotContain('\u001b', human.Output);
        var lines = human.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^retried: 2 of 2 matched, \d+/s, page 1$", lines[0]);
        Assert.Matches(@"^retried: 4 of 4 matched, \d+/s, page 2$", lines[1]);
        Assert.Matches(@"^retried: 5 of 5 matched, \d+/s, page 3$", lines[2]);
        Assert.StartsWith("retried: 5 of 5 matched in 3 request(s)", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_continue_and_cancel_jobs_by_filter_and_refuse_a_command_naming_neither_an_id_nor_a_filter()
    {
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Api__Keys__cli-operator__Key"] = OperatorKey,
            ["Api__Keys__cli-operator__Role"] = "operator",
        });
        var name = QueueFlowFixture.Unique("cli-bulk-jobs");
        Assert.True((await fixture.RegisterWorkflowAsync(Workflows.Chain(name, 1))).Accepted);
        var ids = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var id in ids)
            await fixture.SendAsync(new QueueFlow.Contracts.StartJob { JobId = id, Workflow = name });
        foreach (var id in ids.Take(3))
        {
            var job = await Eventually.Until(() => fixture.FindJobAsync(id), j => j?.Tasks.Single().AttemptId is not null, "t1 to run");
            await fixture.SendAsync(new QueueFlow.Contracts.FailTask { JobId = id, TaskId = "t1", AttemptId = job!.Tasks.Single().AttemptId!.Value, Error = "disk full", Terminal = true });
            await fixture.WaitForJobAsync(id, JobStatus.Failed);
        }

        // Neither an id nor a filter, or both: refused before anything is sent.
        var bare = await CliProcess.RunAsync(worker.BaseAddress, OperatorKey, "jobs", "cancel");
        Assert.Equal(2, bare.ExitCode);
        Assert.Contains("give a job id, or a filter", bare.Error, StringComparison.Ordinal);
        var both = await CliProcess.RunAsync(worker.BaseAddress, OperatorKey, "jobs", "cancel", ids[0].ToString(), "--workflow", name);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("not both", both.Error, StringComparison.Ordinal);

        var continued = await CliProcess.RunAsync(worker.BaseAddress, OperatorKey, "jobs", "continue", "--workflow", name, "--page-size", "2", "--json");
        Assert.True(continued.ExitCode == 0, continued.ToString());
        Assert.Equal((3, 3, 2), (continued.Json.GetProperty("matched").GetInt32(), continued.Json.GetProperty("done").GetInt32(), continued.Json.GetProperty("pages").GetInt32()));
        foreach (var id in ids.Take(3))
            await fixture.WaitForJobAsync(id, JobStatus.Running);

        var counted = await CliProcess.RunAsync(worker.BaseAddress, OperatorKey, "jobs", "cancel", "--workflow", name, "--status", "Running", "--count", "--json");
        Assert.True(counted.ExitCode == 0, counted.ToString());
        Assert.Equal((6, false), (counted.Json.GetProperty("count").GetInt32(), counted.Json.GetProperty("more").GetBoolean()));
        var countById = await CliProcess.RunAsync(worker.BaseAddress, OperatorKey, "jobs", "cancel", ids[0].ToString(), "--count");
        Assert.Equal(2, countById.ExitCode);
        Assert.Contains("--count goes with a filter", countById.Error, StringComparison.Ordinal);

        var cancelled = await CliProcess.RunAsync(worker.BaseAddress, OperatorKey, "jobs", "cancel", "--workflow", name, "--status", "Running", "--reason", "cli bulk");
        Assert.True(cancelled.ExitCode == 0, cancelled.ToString());
        Assert.Contains("cancelled: 6 of 6 matched", cancelled.Output, StringComparison.Ordinal);
        foreach (var id in ids)
            await fixture.WaitForJobAsync(id, JobStatus.Cancelled);
    }
}
