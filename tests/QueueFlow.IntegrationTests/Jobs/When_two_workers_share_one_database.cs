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
            // A stall across two instances is a wait between sessions: say which ones wait, on what, for the next reader.
            throw new TimeoutException($"{stalled.Message}\n{await SessionsAsync()}", stalled);
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

    /// <summary>Every session of the test database that is not idle: its state, what it waits on, for how long, and its statement.</summary>
    static async Task<string> SessionsAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestSettings.ConnectionString);
        await connection.OpenAsync();
        await using var sessions = new Npgsql.NpgsqlCommand("""
            SELECT pid, application_name, state, coalesce(wait_event_type || ':' || wait_event, '-'),
                   coalesce(round(extract(epoch FROM now() - state_change))::text, '?'), left(query, 120)
            FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'
            ORDER BY state_change
            """, connection);
        var lines = new List<string> { "sessions not idle (pid, application, state, wait, seconds in state, statement):" };
        await using var reader = await sessions.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            lines.Add($"  {reader.GetInt32(0)} '{reader.GetString(1)}' {reader.GetString(2)} {reader.GetString(3)} {reader.GetString(4)}s {reader.GetString(5)}");
        return string.Join('\n', lines);
    }

    async Task<int> CountAsync(string workflow, JobStatus status)
    {
        await using var db = fixture.Worker.CreateDbContext();
        return await db.Jobs.CountAsync(j => j.Workflow == workflow && j.Status == status);
    }
}
