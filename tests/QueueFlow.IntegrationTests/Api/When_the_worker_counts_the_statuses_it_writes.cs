using Npgsql;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.ApiCalls;
using static QueueFlow.IntegrationTests.Api.JobRoutes;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>
/// The worker's job write counts the statuses it writes itself, netted per message, and the count triggers skip its
/// rows: the kept counts of a workflow and its queue must still equal a GROUP BY over the rows after starts, completions,
/// a failure that cancels nothing else, a cancellation and jobs left running.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_the_worker_counts_the_statuses_it_writes(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Should_keep_the_counts_equal_to_the_rows_through_a_jobs_whole_life()
    {
        using var admin = api.ClientWith(ApiFactory.AdminKey);
        var name = await RegisterAsync(admin, Workflows.Chain(QueueFlowFixture.Unique("counted-by-writer"), 3));
        var ids = new List<Guid>();
        for (var i = 0; i < 4; i++)
            ids.Add(await ApiCalls.StartAsync(admin, $$"""{"workflow":"{{name}}"}"""));

        // Job 0 runs to the end, job 1 fails on its second task, job 2 is cancelled, job 3 stays on its first task.
        foreach (var taskId in new[] { "t1", "t2", "t3" })
            await CompleteAsync(admin, ids[0], taskId);
        await JobWhenAsync(admin, ids[0], "Completed");
        await CompleteAsync(admin, ids[1], "t1");
        var attempt = await AttemptOfRunningAsync(admin, ids[1], "t2");
        Assert.Equal(CommandStatus.Accepted, (await SendAsync(api, new FailTask { JobId = ids[1], TaskId = "t2", AttemptId = attempt, Error = "out of stock", Terminal = true })).Status);
        await JobWhenAsync(admin, ids[1], "Failed");
        Assert.Equal(CommandStatus.Accepted, (await SendAsync(api, new CancelJob { JobId = ids[2], Reason = "not needed" })).Status);
        await JobWhenAsync(admin, ids[2], "Cancelled");
        await TaskWhenAsync(admin, ids[3], "t1", "Running");

        var (kept, counted) = await CountsAsync(name);
        Assert.Equal(counted, kept);
        Assert.Contains(("job", "Completed", 1L), counted);
        Assert.Contains(("task", "Completed", 4L), counted);
    }

    private async Task CompleteAsync(HttpClient client, Guid jobId, string taskId)
    {
        var attempt = await AttemptOfRunningAsync(client, jobId, taskId);
        Assert.Equal(CommandStatus.Accepted, (await SendAsync(api, new CompleteTask { JobId = jobId, TaskId = taskId, AttemptId = attempt })).Status);
    }

    private static async Task<Guid> AttemptOfRunningAsync(HttpClient client, Guid jobId, string taskId) =>
        (await TaskWhenAsync(client, jobId, taskId, "Running")).GetProperty("attemptId").GetGuid();

    /// <summary>The kept counts (totals plus changes not folded yet) and the rows counted, for the workflow and its queue.</summary>
    private static async Task<(List<(string, string, long)> Kept, List<(string, string, long)> Counted)> CountsAsync(string name)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString);
        await connection.OpenAsync();
        var kept = await ReadAsync(connection, """
            SELECT entity, status, sum(count)::bigint FROM (
                SELECT entity, name, status, count FROM queueflow.status_counts
                UNION ALL SELECT entity, name, status, delta FROM queueflow.status_count_changes) AS c
            WHERE name = @name GROUP BY entity, status HAVING sum(count) <> 0
            """, name);
        var counted = await ReadAsync(connection, """
            SELECT 'job', status, count(*) FROM queueflow.jobs WHERE workflow = @name GROUP BY status
            UNION ALL SELECT 'task', status, count(*) FROM queueflow.job_tasks WHERE queue = @name GROUP BY status
            """, name);
        return (kept, counted);
    }

    private static async Task<List<(string, string, long)>> ReadAsync(NpgsqlConnection connection, string sql, string name)
    {
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new("name", name) } };
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string, long)>();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        return [.. rows.OrderBy(r => r.Item1, StringComparer.Ordinal).ThenBy(r => r.Item2, StringComparer.Ordinal)];
    }
}
