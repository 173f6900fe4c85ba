using Microsoft.EntityFrameworkCore;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>
/// The jsonb list columns (a task's attempts, a job's errors) are snapshotted member by member, not through
/// JSON: every change the saga makes in place to a loaded element must still reach the database.
/// </summary>
[Collection(PersistenceCollectionDefinition.Name)]
public sealed class JsonColumnChangeTrackingTests(PersistenceFixture fixture)
{
    [Fact]
    public async Task Changes_made_in_place_to_a_loaded_attempt_are_saved()
    {
        var jobId = Guid.NewGuid();
        var attemptId = Guid.NewGuid();
        await using (var db = fixture.CreateDbContext())
        {
            var job = new Job { CorrelationId = jobId, CurrentState = "Running", Workflow = "json-columns", WorkflowVersion = 1, Status = JobStatus.Running };
            job.Tasks.Add(new JobTask
            {
                JobId = jobId,
                TaskId = "work",
                Status = TaskRunStatus.Running,
                Attempts = [new TaskAttempt { Id = attemptId, Number = 1, StartedAt = DateTimeOffset.UtcNow }],
            });
            db.Jobs.Add(job);
            await db.SaveChangesAsync();
        }

        try
        {
            await using (var db = fixture.CreateDbContext())
            {
                var task = await db.JobTasks.SingleAsync(t => t.JobId == jobId);
                var attempt = task.Attempts.Single();
                attempt.Status = TaskRunStatus.Completed;
                attempt.FinishState = "success";
                attempt.Transitions.Add(new RecordedTransition(Guid.NewGuid(), CommandStatus.Accepted, TaskRunStatus.Completed, "done"));
                Assert.True(db.ChangeTracker.HasChanges());
                await db.SaveChangesAsync();
            }

            await using (var db = fixture.CreateDbContext())
            {
                var attempt = (await db.JobTasks.AsNoTracking().SingleAsync(t => t.JobId == jobId)).Attempts.Single();
                Assert.Equal(TaskRunStatus.Completed, attempt.Status);
                Assert.Equal("success", attempt.FinishState);
                Assert.Equal("done", Assert.Single(attempt.Transitions).Reason);

                // Loaded and saved untouched, the row is not written at all.
                _ = await db.JobTasks.SingleAsync(t => t.JobId == jobId);
                Assert.False(db.ChangeTracker.HasChanges());
            }
        }
        finally
        {
            await using var db = fixture.CreateDbContext();
            await db.Jobs.Where(j => j.CorrelationId == jobId).ExecuteDeleteAsync();
        }
    }
}
