using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.Persistence.DeadLetters;

namespace QueueFlow.IntegrationTests.Messaging;

/// <summary>
/// A producer and worker with nothing but an AMQP client: JSON bytes, the type in a header. Bad
/// messages go to the error queue with the reason in their headers, and from there to the dead-letter store; the ones behind them still flow.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_producer_speaks_plain_json(QueueFlowFixture fixture)
{
    static readonly string ErrorQueue = $"{TestSettings.JobsQueue}_error";
    static readonly string[] ExplanationHeaders = ["QF-Reason", "MT-Fault-ExceptionType", "MT-Fault-Message"];

    [Fact]
    public async Task Should_run_a_job_started_and_completed_with_plain_json()
    {
        var name = QueueFlowFixture.Unique("plain");
        Assert.True((await fixture.RegisterWorkflowAsync(Workflows.Chain(name, 1))).Accepted);
        await fixture.Amqp.ConsumeAsync(name, (run, _) => fixture.Amqp.PublishAsync("QueueFlow.Contracts:CompleteTask", "CompleteTask", $$"""
            { "jobId": "{{run.GetProperty("jobId").GetGuid()}}", "taskId": "t1", "attemptId": "{{run.GetProperty("attemptId").GetGuid()}}",
              "variables": { "approved": true } }
            """));

        var jobId = NewId.NextGuid();
        await fixture.Amqp.PublishAsync("QueueFlow.Contracts:StartJob", "StartJob", $$"""{ "jobId": "{{jobId}}", "workflow": "{{name}}", "variables": { "customer": "c-1" } }""");

        var job = await fixture.WaitForJobAsync(jobId, JobStatus.Completed);
        Assert.Equal("""{"approved": true, "customer": "c-1"}""", job.Variables);
    }

    [Theory]
    [InlineData("malformed", "CompleteTask", """{ "jobId": "MARKER", "taskId": """, "Expected depth to be zero at the end of the JSON payload")]
    [InlineData("wrong-type", "CompleteTask", """{ "jobId": "9b3c0a52-3c8e-4f43-9d55-2f0f0c6c2a11", "taskId": "MARKER", "attemptId": 42 }""", "Path: $.attemptId")]
    [InlineData("missing-field", "CompleteTask", """{ "taskId": "MARKER", "attemptId": "9b3c0a52-3c8e-4f43-9d55-2f0f0c6c2a11" }""", "missing required properties including: 'jobId'")]
    [InlineData("no-type", null, """{ "jobId": "9b3c0a52-3c8e-4f43-9d55-2f0f0c6c2a11", "taskId": "MARKER", "attemptId": "9b3c0a52-3c8e-4f43-9d55-2f0f0c6c2a11" }""", "has no 'MT-MessageType' header")]
    [InlineData("duplicate-key", "StartJob", """{ "jobId": "9b3c0a52-3c8e-4f43-9d55-2f0f0c6c2a11", "workflow": "MARKER", "variables": { "k": 1, "k": 2 } }""", "names a key twice at $.variables.k")]
    [InlineData("nul-text", "StartJob", """{ "jobId": "9b3c0a52-3c8e-4f43-9d55-2f0f0c6c2a11", "workflow": "MARKER", "variables": { "note": "a\u0000b" } }""", "cannot be kept as it is at $.variables.note")]
    [InlineData("lone-surrogate", "CompleteTask", """{ "jobId": "9b3c0a52-3c8e-4f43-9d55-2f0f0c6c2a11", "taskId": "MARKER", "attemptId": "9b3c0a52-3c8e-4f43-9d55-2f0f0c6c2a11", "output": { "k": "\ud800" } }""", "half of a surrogate pair")]
    [InlineData("unknown-type", "CompleteTsk", """{ "jobId": "9b3c0a52-3c8e-4f43-9d55-2f0f0c6c2a11", "taskId": "MARKER", "attemptId": "9b3c0a52-3c8e-4f43-9d55-2f0f0c6c2a11" }""", "takes message type 'urn:message:QueueFlow.Contracts:CompleteTsk'")]
    [InlineData("other-queue", "RegisterWorkflow", """{ "definition": { "name": "MARKER" } }""", "takes message type 'urn:message:QueueFlow.Contracts:RegisterWorkflow'")]
    public async Task Should_dead_letter_a_bad_message_with_its_reason_and_keep_the_queue_flowing(string kind, string? contract, string body, string reason)
    {
        await fixture.Amqp.PurgeQuorumQueueAsync(ErrorQueue);
        var marker = $"{kind}-{Guid.NewGuid():N}";
        var name = QueueFlowFixture.Unique($"after-{kind}");
        Assert.True((await fixture.RegisterWorkflowAsync(Workflows.Chain(name, 1))).Accepted);

        await fixture.Amqp.PublishAsync(TestSettings.JobsQueue, contract, body.Replace("MARKER", marker, StringComparison.Ordinal));
        var behind = NewId.NextGuid();
        await fixture.Amqp.PublishAsync(TestSettings.JobsQueue, "StartJob", $$"""{ "jobId": "{{behind}}", "workflow": "{{name}}" }""");

        var job = await Eventually.Until(() => fixture.FindJobAsync(behind), j => j?.Tasks.Any(t => t.Status == TaskRunStatus.Running) == true, "the message behind the bad one to be applied");
        Assert.NotNull(job);

        // The error queue is emptied into the dead-letter store, which keeps every header beside the reason.
        var dead = await Eventually.Until(() => DeadLetterAsync(marker), d => d is not null, $"the {kind} message in the dead-letter store");
        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(dead!.Headers)!;
        var explanation = string.Join(" | ", ExplanationHeaders.Select(h => headers.GetValueOrDefault(h, string.Empty)));
        Assert.Contains(reason, explanation, StringComparison.Ordinal);
        Assert.Contains(reason, dead.Reason, StringComparison.Ordinal);
        Assert.Equal((DeadLetterSource.Queue, ErrorQueue, DeadLetterStatus.Pending), (dead.Source, dead.SourceName, dead.Status));
    }

    async Task<DeadLetter?> DeadLetterAsync(string marker)
    {
        await using var db = fixture.Worker.CreateDbContext();
        return await db.DeadLetters.AsNoTracking().SingleOrDefaultAsync(d => d.Body.Contains(marker));
    }

    [Fact]
    public async Task Should_dead_letter_a_command_whose_reply_address_is_too_long_to_keep()
    {
        await fixture.Amqp.PurgeQuorumQueueAsync(ErrorQueue);
        var marker = $"long-reply-{Guid.NewGuid():N}";

        await fixture.Amqp.PublishAsync(TestSettings.JobsQueue, "CompleteTask", $$"""{ "jobId": "{{Guid.NewGuid()}}", "taskId": "{{marker}}", "attemptId": "{{Guid.NewGuid()}}" }""",
            headers: new Dictionary<string, object?> { ["RequestId"] = Guid.NewGuid().ToString(), ["MT-Response-Address"] = $"queue:{new string('r', 2000)}" });

        // The error queue is emptied into the dead-letter store, reason and all.
        var dead = await Eventually.Until(() => DeadLetterAsync(marker), d => d is not null, "the command in the dead-letter store");
        Assert.Contains("longer than the 1024 a reply address may have", dead!.Reason, StringComparison.Ordinal);
        Assert.Equal(ErrorQueue, dead.SourceName);
    }

    [Fact]
    public async Task Should_answer_a_completion_for_an_unknown_job_with_a_rejection_on_the_reply_queue()
    {
        var replyQueue = QueueFlowFixture.Unique("unknown-replies");
        var replies = await fixture.Amqp.CollectAsync(replyQueue);
        var jobId = Guid.NewGuid();

        await fixture.Amqp.PublishAsync(TestSettings.JobsQueue, "CompleteTask", $$"""{ "jobId": "{{jobId}}", "taskId": "t1", "attemptId": "{{Guid.NewGuid()}}" }""",
            headers: new Dictionary<string, object?> { ["RequestId"] = Guid.NewGuid().ToString(), ["MT-Response-Address"] = $"queue:{replyQueue}" });

        var reply = await Eventually.Until(() => Task.FromResult(replies.ToArray()), r => r.Length == 1, "the rejection");
        var outcome = reply[0].Deserialize<CommandOutcome>(JsonSerializerOptions.Web)!;
        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal($"unknown job {jobId}", outcome.Reason);
    }
}
