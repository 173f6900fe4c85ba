using System.Text.Json;
using MassTransit;
using QueueFlow.Contracts;

namespace QueueFlow.UnitTests.Jobs;

/// <summary>A manual task is claimed, assigned, released and finished by people, on the in-memory harness.</summary>
public sealed class When_a_manual_task_is_held : JobSagaScenario
{
    Task<CommandOutcome> ClaimAsync(string user, string taskId = "review", Guid? commandId = null) =>
        SendAsync(new ClaimTask { JobId = JobId, TaskId = taskId, User = user, CommandId = commandId ?? NewId.NextGuid() });

    Task<CommandOutcome> AssignAsync(string assignee, string by = "lead") =>
        SendAsync(new AssignTask { JobId = JobId, TaskId = "review", Assignee = assignee, AssignedBy = by, CommandId = NewId.NextGuid() });

    Task<CommandOutcome> ReleaseAsync(string user) =>
        SendAsync(new ReleaseTask { JobId = JobId, TaskId = "review", User = user, CommandId = NewId.NextGuid() });

    Task<CommandOutcome> FinishAsync(string? owner, string finishState = "success") =>
        SendAsync(new CompleteTask
        {
            JobId = JobId,
            TaskId = "review",
            AttemptId = Task("review").AttemptId!.Value,
            FinishState = finishState,
            Variables = JsonDocument.Parse("""{ "approved": true }""").RootElement,
            Owner = owner,
            CommandId = NewId.NextGuid(),
        });

    async Task ReachReviewAsync()
    {
        await StartAsync("revisions");
        await CompleteAsync("draft", output: """{ "text": "hello" }""");
        Assert.Equal(TaskRunStatus.Running, Task("review").Status);
    }

    [Fact]
    public async Task Should_let_only_the_claimant_finish_a_claimed_task()
    {
        await ReachReviewAsync();

        var claimed = await ClaimAsync("alice");

        Assert.Equal(CommandStatus.Accepted, claimed.Status);
        Assert.Equal(("alice", "alice"), (Task("review").Assignee, Task("review").AssignedBy));
        Assert.Equal(Clock.GetUtcNow(), Task("review").AssignedAt);
        Assert.Contains(Job.Changes.History, h => h.Kind == "TaskClaimed" && h.TaskId == "review" && h.To == "alice");

        var byBob = await FinishAsync("bob");
        Assert.Equal(CommandStatus.Rejected, byBob.Status);
        Assert.Equal("task 'review' is held by 'alice': only 'alice' may finish it, not 'bob'", byBob.Reason);
        Assert.Equal(TaskRunStatus.Running, Task("review").Status);

        var anonymous = await FinishAsync(null);
        Assert.Equal(CommandStatus.Rejected, anonymous.Status);

        var byAlice = await FinishAsync("alice");
        Assert.Equal(CommandStatus.Accepted, byAlice.Status);
        Assert.Equal(TaskRunStatus.Completed, Task("review").Status);
        Assert.Equal("alice", Task("review").Attempts[^1].Owner);
        Assert.Equal(TaskRunStatus.Running, Task("publish").Status);
    }

    [Fact]
    public async Task Should_let_anyone_finish_a_task_nobody_holds()
    {
        await ReachReviewAsync();

        var outcome = await FinishAsync("carol");

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(TaskRunStatus.Completed, Task("review").Status);
        Assert.True(JsonDocument.Parse(Job.Variables).RootElement.GetProperty("approved").GetBoolean());
    }

    [Fact]
    public async Task Should_refuse_a_claim_of_a_task_someone_else_holds()
    {
        await ReachReviewAsync();
        await ClaimAsync("alice");

        var outcome = await ClaimAsync("bob");

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal("task 'review' is already held by 'alice'", outcome.Reason);
        Assert.Equal("alice", Task("review").Assignee);
    }

    [Fact]
    public async Task Should_answer_a_second_claim_by_the_holder_as_a_duplicate()
    {
        await ReachReviewAsync();
        await ClaimAsync("alice");
        var history = Job.HistoryCount;

        var again = await ClaimAsync("alice");

        Assert.Equal(CommandStatus.Accepted, again.Status);
        Assert.True(again.Duplicate);
        Assert.Equal(history, Job.HistoryCount);
    }

    [Fact]
    public async Task Should_answer_a_repeated_claim_like_the_first_even_after_a_release()
    {
        await ReachReviewAsync();
        var commandId = NewId.NextGuid();
        await ClaimAsync("alice", commandId: commandId);
        await ReleaseAsync("alice");

        var again = await ClaimAsync("alice", commandId: commandId);

        Assert.Equal(CommandStatus.Accepted, again.Status);
        Assert.True(again.Duplicate);
        Assert.Null(Task("review").Assignee);
    }

    [Fact]
    public async Task Should_hand_a_task_over_by_assigning_it()
    {
        await ReachReviewAsync();
        await ClaimAsync("alice");

        var outcome = await AssignAsync("carol");

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Equal(("carol", "lead"), (Task("review").Assignee, Task("review").AssignedBy));
        Assert.Contains(Job.Changes.History, h => h.Kind == "TaskAssigned" && h.From == "alice" && h.To == "carol");
        Assert.Equal(CommandStatus.Rejected, (await FinishAsync("alice")).Status);
        Assert.Equal(CommandStatus.Accepted, (await FinishAsync("carol")).Status);
    }

    [Fact]
    public async Task Should_keep_a_name_longer_than_the_history_columns_in_the_detail()
    {
        await ReachReviewAsync();
        var longName = new string('n', 200);

        var outcome = await AssignAsync(longName);

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        var row = Assert.Single(Job.Changes.History, h => h.Kind == "TaskAssigned");
        Assert.Null(row.To);
        Assert.Equal($"from '' to '{longName}'", row.Detail);
    }

    [Fact]
    public async Task Should_refuse_an_assigned_by_longer_than_its_column()
    {
        await ReachReviewAsync();

        var outcome = await AssignAsync("carol", by: new string('b', 256));

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal("assignedBy must be at most 255 characters without control characters", outcome.Reason);
        Assert.Null(Task("review").Assignee);
    }

    [Fact]
    public async Task Should_let_only_the_holder_release_a_task()
    {
        await ReachReviewAsync();
        await ClaimAsync("alice");

        var byBob = await ReleaseAsync("bob");
        Assert.Equal(CommandStatus.Rejected, byBob.Status);
        Assert.Equal("task 'review' is held by 'alice': only 'alice' may release it (assign it to hand it over)", byBob.Reason);

        var byAlice = await ReleaseAsync("alice");
        Assert.Equal(CommandStatus.Accepted, byAlice.Status);
        Assert.Null(Task("review").Assignee);
        Assert.Contains(Job.Changes.History, h => h.Kind == "TaskReleased" && h.From == "alice");

        Assert.Equal(CommandStatus.Accepted, (await ClaimAsync("bob")).Status);
    }

    [Fact]
    public async Task Should_reject_releasing_a_task_nobody_holds()
    {
        await ReachReviewAsync();

        var outcome = await ReleaseAsync("alice");

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal("task 'review' is not claimed or assigned: nothing to release", outcome.Reason);
    }

    [Fact]
    public async Task Should_refuse_to_claim_a_worker_task_or_one_not_yet_reached()
    {
        await StartAsync("revisions");

        var worker = await ClaimAsync("alice", "draft");
        var pending = await ClaimAsync("alice", "review");

        Assert.Equal(CommandStatus.Rejected, worker.Status);
        Assert.Equal("task 'draft' is a worker task: only manual tasks are claimed, assigned or released", worker.Reason);
        Assert.Equal(CommandStatus.Rejected, pending.Status);
        Assert.Equal("task 'review' is Pending: only a Running manual task (waiting for a person) is claimed, assigned or released", pending.Reason);
    }

    [Fact]
    public async Task Should_refuse_a_failure_reported_by_someone_other_than_the_holder()
    {
        await ReachReviewAsync();
        await ClaimAsync("alice");

        var outcome = await SendAsync(new FailTask { JobId = JobId, TaskId = "review", AttemptId = Task("review").AttemptId!.Value, Error = "no", Owner = "bob", CommandId = NewId.NextGuid() });

        Assert.Equal(CommandStatus.Rejected, outcome.Status);
        Assert.Equal(TaskRunStatus.Running, Task("review").Status);
    }

    [Fact]
    public async Task Should_clear_the_holder_when_a_revert_runs_the_task_again()
    {
        await ReachReviewAsync();
        await ClaimAsync("alice");
        await SendAsync(new PauseJob { JobId = JobId, CommandId = NewId.NextGuid() });
        await SendAsync(new SetTaskState { JobId = JobId, TaskId = "review", State = TaskRunStatus.Failed, Message = "rejected", Force = true, CommandId = NewId.NextGuid() });
        Assert.Equal(JobStatus.Failed, Job.Status);

        var outcome = await SendAsync(new RevertJob { JobId = JobId, ToTask = "draft", CommandId = NewId.NextGuid() });

        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        Assert.Null(Task("review").Assignee);
        Assert.Equal(TaskRunStatus.Pending, Task("review").Status);
    }

    [Fact]
    public async Task Should_keep_the_holder_when_a_loop_brings_the_task_back()
    {
        await ReachReviewAsync();
        await ClaimAsync("alice");

        await FinishAsync("alice", finishState: "loop");
        await CompleteAsync("draft", output: """{ "text": "hello again" }""");

        Assert.Equal((TaskRunStatus.Running, 1), (Task("review").Status, Task("review").Iteration));
        Assert.Equal("alice", Task("review").Assignee);
        Assert.Equal(CommandStatus.Rejected, (await FinishAsync("bob")).Status);
    }

    [Fact]
    public async Task Should_abort_a_claim_on_a_cancelled_job()
    {
        await ReachReviewAsync();
        await SendAsync(new CancelJob { JobId = JobId, CommandId = NewId.NextGuid() });

        var outcome = await ClaimAsync("alice");

        Assert.Equal(CommandStatus.Aborted, outcome.Status);
        Assert.Null(Task("review").Assignee);
    }
}
