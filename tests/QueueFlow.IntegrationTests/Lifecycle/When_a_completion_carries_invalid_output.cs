using System.Globalization;
using System.Text.RegularExpressions;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Lifecycle;

[Collection(SharedWorkerGroup.Name)]
public sealed partial class When_a_completion_carries_invalid_output(QueueFlowFixture fixture)
{
    [Fact]
    public async Task Should_reject_output_over_the_limit_with_its_size_and_change_nothing()
    {
        var name = QueueFlowFixture.Unique("oversized");
        var worker = await PlainJsonWorker.StartAsync(fixture, "oversized", name);
        await worker.RegisterAsync(Workflows.Chain(name, 2));
        var jobId = await worker.StartJobAsync(name);
        var (run, _) = await worker.RunOfAsync("t1", 1);
        var historyBefore = (await fixture.HistoryAsync(jobId)).Count;

        // About 110 KB, over the default limit of 100 KB (Jobs__MaxOutputBytes = 102400).
        var outcome = await worker.CompleteAsync(run, $$""" "output": { "blob": "{{new string('x', 110_000)}}" } """);

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        var size = SizeInReason().Match(outcome.Reason ?? string.Empty);
        Assert.True(size.Success, $"the reason does not give the size: {outcome.Reason}");
        Assert.InRange(int.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture), 110_000, 111_000);
        Assert.EndsWith("over the limit of 102400 bytes", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(TaskRunStatus.Running, outcome.TaskStatus);

        var job = await fixture.FindJobAsync(jobId);
        Assert.Equal(JobStatus.Running, job!.Status);
        var t1 = job.Tasks.Single(t => t.TaskId == "t1");
        Assert.Equal(TaskRunStatus.Running, t1.Status);
        Assert.Equal("{}", t1.Output);
        Assert.Equal(1, t1.Attempt);
        Assert.Equal(TaskRunStatus.Pending, job.Tasks.Single(t => t.TaskId == "t2").Status);
        var history = await fixture.HistoryAsync(jobId);
        var rejected = Assert.Single(history.Skip(historyBefore));
        Assert.Equal("CommandRejected", rejected.Kind);
        Assert.Equal($"CompleteTask: {outcome.Reason}", rejected.Detail);
        Assert.Single(worker.Runs);
    }

    [Theory]
    [InlineData("[1, 2]", "array")]
    [InlineData("\"done\"", "string")]
    [InlineData("42", "number")]
    public async Task Should_reject_output_that_is_not_an_object_and_accept_a_correct_completion_after_it(string output, string kind)
    {
        var name = QueueFlowFixture.Unique($"not-object-{kind}");
        var worker = await PlainJsonWorker.StartAsync(fixture, $"not-object-{kind}", name);
        await worker.RegisterAsync(Workflows.Chain(name, 1));
        var jobId = await worker.StartJobAsync(name);
        var (run, _) = await worker.RunOfAsync("t1", 1);

        var outcome = await worker.CompleteAsync(run, $""" "output": {output} """);

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal($"output must be a JSON object, not {kind}", outcome.Reason);
        var job = await fixture.FindJobAsync(jobId);
        Assert.Equal(TaskRunStatus.Running, Assert.Single(job!.Tasks).Status);
        Assert.Equal("{}", job.Tasks[0].Output);

        Assert.Equal(CommandStatus.Accepted, (await worker.CompleteAsync(run, """ "output": { "ok": true } """)).Status);
        await fixture.WaitForJobAsync(jobId, JobStatus.Completed);
    }

    [GeneratedRegex(@"^output is (\d+) bytes")]
    private static partial Regex SizeInReason();
}
