using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using QueueFlow.Persistence.Outbox;

namespace QueueFlow.IntegrationTests.Persistence;

[Collection(PersistenceCollectionDefinition.Name)]
public sealed class JobSagaRepositoryTests(PersistenceFixture fixture)
{
    [Fact]
    public async Task A_started_job_is_committed_with_its_task_history_and_outbox_row()
    {
        var jobId = Guid.NewGuid();
        await using var provider = fixture.BuildSagaHarness(retryConflicts: true);
        var harness = await provider.StartTestHarness();
        await using var relaysHeld = await fixture.HoldRelaysAsync();

        await harness.Bus.Publish(new StartProbeJob(jobId));

        await PersistenceFixture.Eventually(() => HistoryKinds(jobId), kinds => kinds.Count == 1, "the start's history entry");
        var job = await LoadJob(jobId);
        Assert.NotNull(job);
        Assert.Equal(JobStatus.Running, job.Status);
        Assert.Equal("Running", job.CurrentState);
        Assert.Equal(1, job.HistoryCount);
        var task = Assert.Single(job.Tasks);
        Assert.Equal(TaskRunStatus.Scheduled, task.Status);
        Assert.Equal("probe.work", task.Queue);

        var row = Assert.Single(await OutboxRows(jobId));
        Assert.Equal(typeof(JobStateChanged).FullName, row.MessageType);
        Assert.Null(row.Destination);
        using var body = JsonDocument.Parse(row.Body);
        Assert.Equal(jobId, body.RootElement.GetProperty("jobId").GetGuid());
        Assert.Equal("Running", body.RootElement.GetProperty("to").GetString());
    }

    [Fact]
    public async Task An_applied_update_is_committed_with_its_history_and_outbox_row()
    {
        var jobId = Guid.NewGuid();
        await using var provider = fixture.BuildSagaHarness(retryConflicts: true);
        var harness = await provider.StartTestHarness();
        await using var relaysHeld = await fixture.HoldRelaysAsync();

        await harness.Bus.Publish(new StartProbeJob(jobId));
        await PersistenceFixture.Eventually(() => HistoryKinds(jobId), kinds => kinds.Count == 1, "the start");
        await harness.Bus.Publish(new TouchProbeJob(jobId));

        var kinds = await PersistenceFixture.Eventually(() => HistoryKinds(jobId), kinds => kinds.Count == 2, "the touch");
        Assert.Equal(["Started", "Touched"], kinds);
        var job = await LoadJob(jobId);
        Assert.NotNull(job);
        Assert.Equal(2, job.HistoryCount);
        Assert.Equal("""{"touches": 1}""", job.Variables);
        Assert.Single(job.Errors);
        var task = Assert.Single(job.Tasks);
        Assert.Equal(TaskRunStatus.Running, task.Status);
        var attempt = Assert.Single(task.Attempts);
        Assert.Equal(task.AttemptId, attempt.Id);
        Assert.Equal(2, (await OutboxRows(jobId)).Count);
    }

    [Fact]
    public async Task A_message_that_changes_no_task_writes_the_job_and_history_but_no_task_row()
    {
        var jobId = Guid.NewGuid();
        await using var provider = fixture.BuildSagaHarness(retryConflicts: true);
        var harness = await provider.StartTestHarness();
        await using var relaysHeld = await fixture.HoldRelaysAsync();

        await harness.Bus.Publish(new StartProbeJob(jobId));
        await PersistenceFixture.Eventually(() => HistoryKinds(jobId), kinds => kinds.Count == 1, "the start");
        var (jobBefore, taskBefore) = await RowVersions(jobId);

        // A second start of a running job only records itself: the job row and its history change, its task does not.
        await harness.Bus.Publish(new StartProbeJob(jobId));
        await PersistenceFixture.Eventually(() => HistoryKinds(jobId), kinds => kinds.Count == 2, "the second start");
        var (jobAfter, taskAfter) = await RowVersions(jobId);
        Assert.NotEqual(jobBefore, jobAfter);
        Assert.Equal(taskBefore, taskAfter);

        // A touch changes the task: exactly that row is written, with its attempt.
        await harness.Bus.Publish(new TouchProbeJob(jobId));
        await PersistenceFixture.Eventually(() => HistoryKinds(jobId), kinds => kinds.Count == 3, "the touch");
        var (_, taskTouched) = await RowVersions(jobId);
        Assert.NotEqual(taskAfter, taskTouched);
        var task = Assert.Single((await LoadJob(jobId))!.Tasks);
        Assert.Equal(TaskRunStatus.Running, task.Status);
        Assert.Equal(task.AttemptId, Assert.Single(task.Attempts).Id);
    }

    [Fact]
    public async Task A_start_that_throws_leaves_no_job_history_or_outbox_row()
    {
        var jobId = Guid.NewGuid();
        await using var provider = fixture.BuildSagaHarness(retryConflicts: true);
        var harness = await provider.StartTestHarness();
        await using var relaysHeld = await fixture.HoldRelaysAsync();

        await harness.Bus.Publish(new StartProbeJob(jobId, Fail: true));

        Assert.True(await harness.Published.Any<Fault<StartProbeJob>>(f => f.Context.Message.Message.JobId == jobId));
        Assert.Null(await LoadJob(jobId));
        Assert.Empty(await HistoryKinds(jobId));
        Assert.Empty(await OutboxRows(jobId));
    }

    [Fact]
    public async Task An_update_that_throws_leaves_the_job_history_and_outbox_as_they_were()
    {
        var jobId = Guid.NewGuid();
        await using var provider = fixture.BuildSagaHarness(retryConflicts: true);
        var harness = await provider.StartTestHarness();
        await using var relaysHeld = await fixture.HoldRelaysAsync();
        await harness.Bus.Publish(new StartProbeJob(jobId));
        await PersistenceFixture.Eventually(() => HistoryKinds(jobId), kinds => kinds.Count == 1, "the start");

        await harness.Bus.Publish(new TouchProbeJob(jobId, Fail: true));

        Assert.True(await harness.Published.Any<Fault<TouchProbeJob>>(f => f.Context.Message.Message.JobId == jobId));
        var job = await LoadJob(jobId);
        Assert.NotNull(job);
        Assert.Equal(1, job.HistoryCount);
        Assert.Equal("""{"touches": 0}""", job.Variables);
        Assert.Empty(job.Errors);
        Assert.Empty(Assert.Single(job.Tasks).Attempts);
        Assert.Equal(["Started"], await HistoryKinds(jobId));
        Assert.Single(await OutboxRows(jobId));
    }

    [Fact]
    public async Task Concurrent_updates_of_one_job_are_applied_one_at_a_time_and_none_is_lost()
    {
        const int touches = 24;
        var jobId = Guid.NewGuid();

        // No retry: a conflict would fault a touch and the count below would never be reached.
        await using var provider = fixture.BuildSagaHarness(retryConflicts: false);
        var harness = await provider.StartTestHarness();
        await using var relaysHeld = await fixture.HoldRelaysAsync();
        await harness.Bus.Publish(new StartProbeJob(jobId));
        await PersistenceFixture.Eventually(() => HistoryKinds(jobId), kinds => kinds.Count == 1, "the start");

        await Task.WhenAll(Enumerable.Range(0, touches).Select(_ => harness.Bus.Publish(new TouchProbeJob(jobId))));

        await PersistenceFixture.Eventually(() => HistoryKinds(jobId), kinds => kinds.Count == touches + 1, "every touch");
        var job = await LoadJob(jobId);
        Assert.NotNull(job);
        Assert.Equal(touches + 1, job.HistoryCount);
        Assert.Equal($$"""{"touches": {{touches}}}""", job.Variables);
        Assert.Equal(touches, job.Errors.Count);
        var task = Assert.Single(job.Tasks);
        Assert.Equal(touches, task.Attempt);
        Assert.Equal(Enumerable.Range(1, touches), task.Attempts.Select(a => a.Number));
        Assert.Equal(touches + 1, (await OutboxRows(jobId)).Count);
        Assert.False(await harness.Published.Any<Fault<TouchProbeJob>>(f => f.Context.Message.Message.JobId == jobId));
    }

    [Fact]
    public async Task Two_starts_racing_to_insert_one_job_leave_one_job_and_the_loser_is_retried_against_it()
    {
        var jobId = Guid.NewGuid();
        await using var provider = fixture.BuildSagaHarness(retryConflicts: true);
        var harness = await provider.StartTestHarness();
        await using var relaysHeld = await fixture.HoldRelaysAsync();

        await Task.WhenAll(
            harness.Bus.Publish(new StartProbeJob(jobId, Rendezvous: true)),
            harness.Bus.Publish(new StartProbeJob(jobId, Rendezvous: true)));

        var kinds = await PersistenceFixture.Eventually(() => HistoryKinds(jobId), kinds => kinds.Count == 2, "the start and the retried start");
        Assert.Equal(["Started", "StartedAgain"], kinds);
        Assert.Equal(2, ProbeRendezvous.Arrivals(jobId));
        var job = await LoadJob(jobId);
        Assert.NotNull(job);
        Assert.Equal(2, job.HistoryCount);
        Assert.Single(await OutboxRows(jobId));
        Assert.False(await harness.Published.Any<Fault<StartProbeJob>>(f => f.Context.Message.Message.JobId == jobId));
    }

    /// <summary>The xmin of the job row and of its one task row: each changes exactly when its row is written.</summary>
    private async Task<(string Job, string Task)> RowVersions(Guid jobId)
    {
        await using var db = fixture.CreateDbContext();
        var versions = await db.Database
            .SqlQuery<string>($"SELECT j.xmin::text || '/' || t.xmin::text AS \"Value\" FROM queueflow.jobs j JOIN queueflow.job_tasks t ON t.job_id = j.id WHERE j.id = {jobId}")
            .SingleAsync();
        var parts = versions.Split('/');
        return (parts[0], parts[1]);
    }

    private async Task<Job?> LoadJob(Guid jobId)
    {
        await using var db = fixture.CreateDbContext();
        return await db.Jobs.AsNoTracking().Include(j => j.Tasks).SingleOrDefaultAsync(j => j.CorrelationId == jobId);
    }

    private async Task<List<string>> HistoryKinds(Guid jobId)
    {
        await using var db = fixture.CreateDbContext();
        return await db.JobHistory.Where(h => h.JobId == jobId).OrderBy(h => h.Sequence).Select(h => h.Kind).ToListAsync();
    }

    private async Task<List<OutboxMessage>> OutboxRows(Guid jobId)
    {
        await using var db = fixture.CreateDbContext();
        return await db.Outbox.AsNoTracking().Where(m => m.JobId == jobId).OrderBy(m => m.Sequence).ToListAsync();
    }
}
