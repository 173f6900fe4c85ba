using System.Collections.Concurrent;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Jobs;

[Collection(SharedWorkerGroup.Name)]
public sealed class When_two_workers_share_one_database(QueueFlowFixture fixture)
{
    const int Jobs = 200;
    const int TasksPerJob = 10;

    [Fact]
    public async Task Should_apply_every_completion_exactly_once_across_both()
    {
        var name = QueueFlowFixture.Unique("shared");
        Assert.True((await fixture.RegisterWorkflowAsync(Workflows.Chain(name, TasksPerJob))).Accepted);

        var firstBefore = fixture.Completions.Count;
        var secondCounter = new ConsumeCounter<CompleteTask>();
        await using var second = await WorkerInstance.StartAsync(services: s => s.AddConsumeObserver(_ => secondCounter));

        var dispatched = new ConcurrentDictionary<(Guid, string), int>();
        await fixture.Amqp.ConsumeAsync(name, async (run, _) =>
        {
            var jobId = run.GetProperty("jobId").GetGuid();
            var taskId = run.GetProperty("taskId").GetString()!;
            dispatched.AddOrUpdate((jobId, taskId), 1, (_, n) => n + 1);
            await fixture.Amqp.PublishAsync("QueueFlow.Contracts:CompleteTask", "CompleteTask", $$"""
                { "jobId": "{{jobId}}", "taskId": "{{taskId}}", "attemptId": "{{run.GetProperty("attemptId").GetGuid()}}", "output": { "by": "{{taskId}}" } }
                """);
        });

        var bus = second.Services.GetRequiredService<IBus>();
        var jobIds = Enumerable.Range(0, Jobs).Select(_ => NewId.NextGuid()).ToList();
        await Task.WhenAll(jobIds.Select(id => bus.Publish(new StartJob { JobId = id, Workflow = name })));

        try
        {
            await Eventually.Until(() => CountAsync(name, JobStatus.Completed), n => n == Jobs, $"{Jobs} jobs to complete", TimeSpan.FromMinutes(3));
        }
        catch (TimeoutException stalled)
        {
            // For the next reader of a stall: where the unfinished jobs stand, what was dead-lettered, which sessions wait on what.
            string diagnosis;
            try
            {
                diagnosis = await DiagnosisAsync(jobIds);
            }
            catch (Exception failed) when (failed is Npgsql.NpgsqlException or InvalidOperationException)
            {
                diagnosis = $"(no diagnosis: {failed.Message})";
            }

            throw new TimeoutException($"{stalled.Message}\n{diagnosis}", stalled);
        }

        Assert.Equal(Jobs * TasksPerJob, dispatched.Count);
        Assert.All(dispatched.Values, n => Assert.Equal(1, n));
        // A consume observer counts after the saga's commit, so the last completion can be counted a moment after its job shows Completed.
        var total = await Eventually.Until(() => Task.FromResult(fixture.Completions.Count - firstBefore + secondCounter.Count), n => n >= Jobs * TasksPerJob, "both workers' completion counts");
        var firstCount = fixture.Completions.Count - firstBefore;
        Assert.True(firstCount > 0 && secondCounter.Count > 0, $"work was not shared: {firstCount} and {secondCounter.Count}");
        Assert.Equal(Jobs * TasksPerJob, total);

        await using var db = fixture.Worker.CreateDbContext();
        var ids = jobIds.ToArray();
        Assert.Equal(Jobs * TasksPerJob, await db.JobTasks.CountAsync(t => ids.Contains(t.JobId) && t.Status == TaskRunStatus.Completed && t.Attempt == 1));
        Assert.Equal(Jobs * TasksPerJob, await db.JobHistory.CountAsync(h => ids.Contains(h.JobId) && h.Kind == "TaskCompleted"));
        Assert.Equal(0, await db.JobHistory.CountAsync(h => ids.Contains(h.JobId) && h.Kind == "CommandRejected"));
    }

    /// <summary>
    /// The test's jobs by status and current task status, its dead letters by type and reason, and every session of the
    /// test database that is not idle: its state, what it waits on, for how long, and its statement.
    /// </summary>
    static async Task<string> DiagnosisAsync(IReadOnlyList<Guid> jobIds)
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestSettings.ConnectionString);
        await connection.OpenAsync();
        var ids = jobIds.ToArray();
        var lines = new List<string>();
        async Task ListAsync(string title, string sql)
        {
            lines.Add(title);
            await using var command = new Npgsql.NpgsqlCommand(sql, connection);
            if (sql.Contains("@ids", StringComparison.Ordinal))
                command.Parameters.AddWithValue("ids", ids);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                lines.Add("  " + string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "-" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        await ListAsync("jobs never started:", "SELECT cardinality(@ids) - count(*) FROM queueflow.jobs WHERE id = ANY(@ids)");
        await ListAsync("jobs (status, tasks Running, tasks Pending, count):", """
            SELECT j.status, count(*) FILTER (WHERE t.status = 'Running'), count(*) FILTER (WHERE t.status = 'Pending'), count(DISTINCT j.id)
            FROM queueflow.jobs AS j JOIN queueflow.job_tasks AS t ON t.job_id = j.id WHERE j.id = ANY(@ids) GROUP BY j.status
            """);
        await ListAsync("dead letters (message type, reason, count):", """
            SELECT message_type, left(reason, 200), count(*) FROM queueflow.dead_letters WHERE job_id = ANY(@ids) GROUP BY 1, 2
            """);
        await ListAsync("sessions not idle (pid, application, state, wait, seconds in state, statement):", """
            SELECT pid, application_name, state, coalesce(wait_event_type || ':' || wait_event, '-'),
                   coalesce(round(extract(epoch FROM now() - state_change))::text, '?'), left(query, 120)
            FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'
            ORDER BY state_change
            """);
        return string.Join('\n', lines);
    }

    async Task<int> CountAsync(string workflow, JobStatus status)
    {
        await using var db = fixture.Worker.CreateDbContext();
        return await db.Jobs.CountAsync(j => j.Workflow == workflow && j.Status == status);
    }
}
