using Microsoft.EntityFrameworkCore;
using QueueFlow.Api.Jobs;
using QueueFlow.Api.Seeds;
using QueueFlow.Api.Tasks;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.Persistence;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>
/// Every filter the lists offer, first page and a deep one, explained by PostgreSQL over a table large enough for
/// indexes to win: each page query must be a range of the index made for it, never a read of the whole table.
/// The filter values are selective ones (a rare status, one workflow of 97): for a value most rows have, reading the
/// (created_at, id) index and skipping the few others is as cheap, and PostgreSQL rightly does that instead.
/// The seed routes' lookups of a task by attempt id, job key or task-run id are here too: two of those indexes leave out
/// the tasks not yet dispatched, and a lookup must still use them.
/// </summary>
public sealed class When_list_queries_are_planned(QueryPlanScratch scratch) : IClassFixture<QueryPlanScratch>
{
    const int Page = 51;
    static readonly JobKey MiddleJob = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(QueryPlanScratch.Jobs / 2), Guid.Empty);
    static readonly TaskKey MiddleTask = new(Guid.Parse("80000000-0000-0000-0000-000000000000"), "t1");
    static readonly DateTimeOffset From = MiddleJob.CreatedAt.AddHours(-1);
    static readonly DateTimeOffset To = MiddleJob.CreatedAt.AddHours(1);

    public static TheoryData<string, string> Cases => new()
    {
        { "jobs", "ix_jobs_created_at_id" },
        { "jobs deep", "ix_jobs_created_at_id" },
        { "jobs from-to deep", "ix_jobs_created_at_id" },
        { "jobs status", "ix_jobs_status_created_at_id" },
        { "jobs status deep", "ix_jobs_status_created_at_id" },
        { "jobs status from-to", "ix_jobs_status_created_at_id" },
        { "jobs workflow", "ix_jobs_workflow_created_at_id" },
        { "jobs workflow deep", "ix_jobs_workflow_created_at_id" },
        { "jobs workflow status", "ix_jobs_workflow_status_created_at_id" },
        { "jobs workflow status deep", "ix_jobs_workflow_status_created_at_id" },
        { "tasks", "pk_job_tasks" },
        { "tasks deep", "pk_job_tasks" },
        { "tasks status", "ix_job_tasks_status_job_id_task_id" },
        { "tasks status deep", "ix_job_tasks_status_job_id_task_id" },
        { "tasks queue", "ix_job_tasks_queue_job_id_task_id" },
        { "tasks queue deep", "ix_job_tasks_queue_job_id_task_id" },
        { "tasks queue status deep", "ix_job_tasks_queue_status_job_id_task_id" },
        { "tasks workflow", "ix_jobs_workflow_id" },
        { "tasks workflow deep", "ix_jobs_workflow_id" },
        { "cancel by filter", "ix_jobs_status_created_at_id" },
        { "cancel by filter deep", "ix_jobs_status_created_at_id" },
        { "cancel by filter workflow", "ix_jobs_workflow_status_created_at_id" },
        { "task by attempt id", "ix_job_tasks_attempt_id" },
        { "task by job key", "ix_job_tasks_job_key" },
        { "task by task run id", "ux_job_tasks_task_run_id" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Should_read_a_range_of_the_index_made_for_the_filter(string filter, string index)
    {
        var options = new DbContextOptionsBuilder<QueueFlowDbContext>();
        QueueFlowDbContextOptions.Configure(options, TestSettings.ConnectionString);
        await using var db = new QueueFlowDbContext(options.Options);

        var plan = await ExplainAsync(db, filter);

        Assert.True(plan.IndexNames.Contains(index), $"{filter}: expected {index}; plan:\n{plan}");
        Assert.True(!plan.SequentialScans.Any(), $"{filter}: reads {string.Join(", ", plan.SequentialScans)} whole; plan:\n{plan}");

        // A deep page starts where the cursor points: the keyset row comparison must bound the index range, not filter rows read from the start.
        if (filter.EndsWith("deep", StringComparison.Ordinal))
            Assert.True(plan.IndexConditions.Any(c => c.Contains("ROW(", StringComparison.Ordinal)), $"{filter}: the cursor is not an index condition; plan:\n{plan}");
    }

    Task<QueryPlan> ExplainAsync(QueueFlowDbContext db, string filter) => filter switch
    {
        "jobs" => Jobs(db, new JobFilter(), null),
        "jobs deep" => Jobs(db, new JobFilter(), MiddleJob),
        "jobs from-to deep" => Jobs(db, new JobFilter { From = From, To = To }, MiddleJob),
        "jobs status" => Jobs(db, new JobFilter { Status = JobStatus.Running }, null),
        "jobs status deep" => Jobs(db, new JobFilter { Status = JobStatus.Running }, MiddleJob),
        "jobs status from-to" => Jobs(db, new JobFilter { Status = JobStatus.Running, From = From, To = To }, null),
        "jobs workflow" => Jobs(db, new JobFilter { Workflow = "wf-3" }, null),
        "jobs workflow deep" => Jobs(db, new JobFilter { Workflow = "wf-3" }, MiddleJob),
        "jobs workflow status" => Jobs(db, new JobFilter { Workflow = "wf-3", Status = JobStatus.Failed }, null),
        "jobs workflow status deep" => Jobs(db, new JobFilter { Workflow = "wf-3", Status = JobStatus.Completed }, MiddleJob),
        "tasks" => Tasks(db, new TaskFilter(), null),
        "tasks deep" => Tasks(db, new TaskFilter(), MiddleTask),
        "tasks status" => Tasks(db, new TaskFilter { Status = TaskRunStatus.Running }, null),
        "tasks status deep" => Tasks(db, new TaskFilter { Status = TaskRunStatus.Failed }, MiddleTask),
        "tasks queue" => Tasks(db, new TaskFilter { Queue = "q-3" }, null),
        "tasks queue deep" => Tasks(db, new TaskFilter { Queue = "q-3" }, MiddleTask),
        "tasks queue status deep" => Tasks(db, new TaskFilter { Queue = "q-3", Status = TaskRunStatus.Running }, MiddleTask),
        "tasks workflow" => Tasks(db, new TaskFilter { Workflow = "wf-3" }, null),
        "tasks workflow deep" => Tasks(db, new TaskFilter { Workflow = "wf-3" }, MiddleTask),
        "cancel by filter" => scratch.ExplainAsync(db, BulkCancelQuery.Build(db, new JobFilter(), null, 101)),
        "cancel by filter deep" => scratch.ExplainAsync(db, BulkCancelQuery.Build(db, new JobFilter(), new BulkCancelKey(JobStatus.Paused, MiddleJob.CreatedAt, Guid.Empty), 101)),
        "cancel by filter workflow" => scratch.ExplainAsync(db, BulkCancelQuery.Build(db, new JobFilter { Workflow = "wf-3" }, null, 101)),
        "task by attempt id" => scratch.ExplainAsync(db, SeedTasks.ByAttemptId(db, Guid.Parse("0cc175b9-c0f1-b6a8-31c3-99e269772661")).Take(1)),
        "task by job key" => scratch.ExplainAsync(db, SeedTasks.ByJobKey(db, 123_456_789_012_345).Take(2)),
        "task by task run id" => scratch.ExplainAsync(db, SeedTasks.ByTaskRunId(db, Guid.Parse("92eb5ffe-e4e7-c2a4-e8e6-a5a1d7f9f3e1")).Take(1)),
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "no such case"),
    };

    Task<QueryPlan> Jobs(QueueFlowDbContext db, JobFilter filter, JobKey? after) => scratch.ExplainAsync(db, JobListQuery.Build(db, filter, after, Page));

    Task<QueryPlan> Tasks(QueueFlowDbContext db, TaskFilter filter, TaskKey? after) => scratch.ExplainAsync(db, TaskListQuery.Build(db, filter, after, Page));
}
