using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using QueueFlow.IntegrationTests.Api;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.Persistence;
using QueueFlow.Persistence.DeadLetters;
using static QueueFlow.IntegrationTests.Api.JobRoutes;
using static QueueFlow.IntegrationTests.DeadLetters.DeadLetterCalls;

namespace QueueFlow.IntegrationTests.DeadLetters;

/// <summary>
/// A message the worker cannot read lands in the dead-letter store through the error queue; an operator fixes and
/// replays it over HTTP, the job goes on, and its history names the replay. Against the real services.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_poison_message_is_replayed(ApiFactory api, QueueFlowFixture fixture) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Should_refuse_to_replay_a_body_the_bus_would_refuse_again_and_say_where()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var jobId = Guid.NewGuid();

        // As the bus dead-letters it: valid JSON, readable as a CompleteTask, with a string jsonb cannot hold.
        var store = new DeadLetterStore(fixture.Worker.Services.GetRequiredService<IDbContextFactory<QueueFlowDbContext>>());
        await store.CaptureAsync(new DeadLetterCapture
        {
            MessageId = Guid.NewGuid(),
            Source = DeadLetterSource.Queue,
            SourceName = $"{TestSettings.JobsQueue}_error",
            MessageType = "QueueFlow.Contracts.CompleteTask",
            Destination = $"exchange:{TestSettings.JobsQueue}",
            Body = $$"""{ "jobId": "{{jobId}}", "taskId": "t1", "attemptId": "{{Guid.NewGuid()}}", "output": { "note": "a\u0000b" } }""",
            Reason = "the message cannot be kept as it is at $.output.note",
            JobId = jobId,
            TaskId = "t1",
            SeenAt = DateTimeOffset.UtcNow,
        }, CancellationToken.None);
        var id = Assert.Single(await ForJobAsync(@operator, jobId)).GetProperty("id").GetGuid();

        var dry = await ReplayAsync(@operator, $$"""{ "ids": ["{{id}}"], "dryRun": true }""");

        Assert.Equal("StillMalformed", Outcome(dry));
        Assert.Contains("cannot be kept as it is at $.output.note", dry.GetProperty("items")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_store_it_refuse_it_unfixed_replay_it_after_an_edit_and_name_the_replay_in_the_history()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var jobId = await StartAsync(api, @operator, Workflows.Chain(QueueFlowFixture.Unique("dl-poison"), 2));
        var attemptId = (await TaskWhenAsync(@operator, jobId, "t1", "Running")).GetProperty("attemptId").GetGuid();

        // A worker's completion without the MT-MessageType header: the worker cannot tell what it is.
        await fixture.Amqp.PublishAsync(TestSettings.JobsQueue, contract: null,
            $$"""{ "jobId": "{{jobId}}", "taskId": "t1", "attemptId": "{{attemptId}}", "variables": { "approved": true } }""");

        var listed = Assert.Single(await ForJobAsync(@operator, jobId));
        var id = listed.GetProperty("id").GetGuid();
        Assert.Equal(("Queue", $"{TestSettings.JobsQueue}_error", "Pending", "t1", 1),
            (listed.GetProperty("source").GetString(), listed.GetProperty("sourceName").GetString(), listed.GetProperty("status").GetString(),
             listed.GetProperty("taskId").GetString(), listed.GetProperty("seenCount").GetInt32()));
        Assert.Contains("has no 'MT-MessageType' header", listed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var stored = await GetOkAsync(@operator, $"/api/dead-letters/{id}");
        Assert.Contains("has no 'MT-MessageType' header", stored.GetProperty("headers").GetProperty("QF-Reason").GetString(), StringComparison.Ordinal);
        Assert.Contains(attemptId.ToString(), stored.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal($"exchange:{TestSettings.JobsQueue}", stored.GetProperty("destination").GetString());

        // Replayed as it is, it is still unreadable: refused, kept Pending with the new reason, nothing sent.
        var refused = await ReplayAsync(@operator, $$"""{ "ids": ["{{id}}"] }""");
        Assert.Equal(("StillMalformed", 0), (Outcome(refused), refused.GetProperty("done").GetInt32()));
        Assert.StartsWith("replay refused: the message has no type", refused.GetProperty("items")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("Running", TaskOf(await JobAsync(@operator, jobId), "t1").GetProperty("status").GetString());

        var replayed = await ReplayAsync(@operator, $$"""{ "ids": ["{{id}}"], "edit": { "messageType": "CompleteTask" } }""");
        Assert.Equal(("Done", 1), (Outcome(replayed), replayed.GetProperty("done").GetInt32()));

        await TaskWhenAsync(@operator, jobId, "t1", "Completed");
        await TaskWhenAsync(@operator, jobId, "t2", "Running");
        var history = await HistoryAsync(@operator, jobId);
        var replay = Assert.Single(history, h => h.GetProperty("kind").GetString() == "CommandReplayed");
        Assert.Equal($"CompleteTask replayed from dead letter {id} by test-operator (Accepted)", replay.GetProperty("detail").GetString());
        Assert.Equal("t1", replay.GetProperty("taskId").GetString());

        var after = await GetOkAsync(@operator, $"/api/dead-letters/{id}");
        Assert.Equal(("Replayed", "test-operator", "QueueFlow.Contracts.CompleteTask"),
            (after.GetProperty("status").GetString(), after.GetProperty("resolvedBy").GetString(), after.GetProperty("messageType").GetString()));
        Assert.Equal(["ReplayRefused", "Edited", "Replayed"], after.GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("action").GetString()!));
        Assert.Contains("QueueFlow.Contracts.CompleteTask", after.GetProperty("actions")[1].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_apply_a_replay_asked_for_twice_at_once_only_once()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var jobId = await StartAsync(api, @operator, Workflows.Chain(QueueFlowFixture.Unique("dl-twice"), 2));
        var attemptId = (await TaskWhenAsync(@operator, jobId, "t1", "Running")).GetProperty("attemptId").GetGuid();
        var id = await CaptureAsync(api.Services, jobId, "QueueFlow.Contracts.CompleteTask", $$"""{ "jobId": "{{jobId}}", "taskId": "t1", "attemptId": "{{attemptId}}" }""");

        var body = $$"""{ "ids": ["{{id}}"] }""";
        var answers = await Task.WhenAll(ReplayAsync(@operator, body), ReplayAsync(@operator, body));
        var again = await ReplayAsync(@operator, body);

        Assert.Equal(["AlreadyResolved", "Done"], answers.Select(a => Outcome(a)).Order(StringComparer.Ordinal));
        Assert.Equal(("AlreadyResolved", 1, 0), (Outcome(again), again.GetProperty("matched").GetInt32(), again.GetProperty("done").GetInt32()));
        await TaskWhenAsync(@operator, jobId, "t2", "Running");
        var history = await HistoryAsync(@operator, jobId);
        Assert.Single(history, h => h.GetProperty("kind").GetString() == "CommandReplayed");
        Assert.Single(history, h => h.GetProperty("kind").GetString() == "TaskCompleted" && h.GetProperty("taskId").GetString() == "t1");
    }

    [Fact]
    public async Task Should_discard_with_an_audit_row_and_keep_a_reader_from_changing_anything()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        using var reader = api.ClientWith(ApiFactory.ReaderKey);
        var jobId = Guid.NewGuid();
        var id = await CaptureAsync(api.Services, jobId, "QueueFlow.Contracts.PauseJob", $$"""{ "jobId": "{{jobId}}" }""");

        using (var forbidden = await reader.PostAsync(new Uri("/api/dead-letters/discard", UriKind.Relative), ApiCalls.Json($$"""{ "ids": ["{{id}}"] }""")))
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        var dry = await PostOkAsync(@operator, "/api/dead-letters/discard", $$"""{ "filter": { "jobId": "{{jobId}}" }, "dryRun": true }""");
        Assert.Equal(("WouldBeDone", 1, true), (Outcome(dry), dry.GetProperty("done").GetInt32(), dry.GetProperty("dryRun").GetBoolean()));
        Assert.Equal("Pending", (await GetOkAsync(reader, $"/api/dead-letters/{id}")).GetProperty("status").GetString());

        var discarded = await PostOkAsync(@operator, "/api/dead-letters/discard", $$"""{ "filter": { "jobId": "{{jobId}}" }, "reason": "job was deleted upstream" }""");

        Assert.Equal(("Done", 1), (Outcome(discarded), discarded.GetProperty("done").GetInt32()));
        var after = await GetOkAsync(reader, $"/api/dead-letters/{id}");
        Assert.Equal("Discarded", after.GetProperty("status").GetString());
        var audit = Assert.Single(after.GetProperty("actions").EnumerateArray());
        Assert.Equal(("Discarded", "test-operator", "job was deleted upstream"),
            (audit.GetProperty("action").GetString(), audit.GetProperty("actor").GetString(), audit.GetProperty("detail").GetString()));
        Assert.Equal("AlreadyResolved", Outcome(await ReplayAsync(@operator, $$"""{ "ids": ["{{id}}"] }""")));
    }

    [Fact]
    public async Task Should_list_newest_first_in_pages_and_answer_400_for_bad_filters_and_requests()
    {
        using var @operator = api.ClientWith(ApiFactory.OperatorKey);
        var jobId = Guid.NewGuid();
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
            ids.Add(await CaptureAsync(api.Services, jobId, "QueueFlow.Contracts.ResumeJob", $$"""{ "jobId": "{{jobId}}" }"""));

        var first = await GetOkAsync(@operator, $"/api/dead-letters?jobId={jobId}&limit=2&status=pending&source=Queue");
        var second = await GetOkAsync(@operator, $"/api/dead-letters?jobId={jobId}&limit=2&status=pending&source=Queue&cursor={first.GetProperty("nextCursor").GetString()}");
        var underAnotherFilter = await @operator.GetAsync(new Uri($"/api/dead-letters?jobId={jobId}&limit=2&cursor={first.GetProperty("nextCursor").GetString()}", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, underAnotherFilter.StatusCode);

        var listed = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("id").GetGuid());
        Assert.Equal(Enumerable.Reverse(ids), listed);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);

        foreach (var query in new[] { "status=Lost", "source=kafka", "jobId=nope", "from=yesterday", "cursor=zzz", "limit=0" })
        {
            using var response = await @operator.GetAsync(new Uri($"/api/dead-letters?{query}", UriKind.Relative));
            await ApiCalls.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        }

        await PostProblemAsync(@operator, "/api/dead-letters/replay", """{ }""", HttpStatusCode.BadRequest);
        await PostProblemAsync(@operator, "/api/dead-letters/replay", $$"""{ "filter": { "jobId": "{{jobId}}" }, "edit": { "messageType": "ResumeJob" } }""", HttpStatusCode.BadRequest);
        await PostProblemAsync(@operator, "/api/dead-letters/replay", """{ "ids": ["not-a-uuid"] }""", HttpStatusCode.BadRequest);
        using var missing = await @operator.GetAsync(new Uri($"/api/dead-letters/{Guid.NewGuid()}", UriKind.Relative));
        await ApiCalls.AssertProblemAsync(missing, HttpStatusCode.NotFound);
    }
}
