using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.Migrations;
using QueueFlow.Persistence.Counts;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>
/// The status counts behind GET /api/stats and /api/overview are kept by triggers, not counted over the tables; they
/// must equal a GROUP BY over jobs and job_tasks after every kind of write, including ones made outside QueueFlow
/// (plain SQL here), rows that existed before the migration, concurrent writers and folds, deletes and TRUNCATE.
/// A database of its own, so nothing else writes to it.
/// </summary>
public sealed class When_jobs_and_tasks_are_counted_by_status : IAsyncLifetime
{
    string _connectionString = string.Empty;

    public async Task InitializeAsync()
    {
        _connectionString = await OwnDatabase.CreateAsync("status_counts");
    }

    public Task DisposeAsync() => OwnDatabase.DropAsync(_connectionString);

    [Fact]
    public async Task Should_equal_the_counted_rows_after_inserts_updates_deletes_folds_and_truncate()
    {
        // Rows written before the migration that adds the counts are counted by it.
        await using (var db = QueueFlowDesignTimeDbContextFactory.Create(_connectionString))
        {
            await db.GetService<IMigrator>().MigrateAsync("20261204231944_DeadLetterStore");
            await ExecuteAsync(InsertJobs(1, 5, "wf-old"));
            await db.Database.MigrateAsync();
        }

        await AssertCountsMatchAsync("after the migration counted the rows already there");

        await ExecuteAsync(InsertJobs(6, 40, "wf-a") + InsertJobs(41, 60, "wf-b"));
        await AssertCountsMatchAsync("after inserts");

        await ExecuteAsync("""
            UPDATE queueflow.jobs SET status = 'Completed' WHERE workflow = 'wf-a' AND status = 'Running';
            UPDATE queueflow.job_tasks SET status = 'Completed' WHERE status = 'Running' AND queue = 'q-1';
            UPDATE queueflow.job_tasks SET queue = 'q-9' WHERE queue = 'q-2';
            UPDATE queueflow.jobs SET variables = '{"touched": true}';
            UPDATE queueflow.jobs SET workflow = 'wf-c' WHERE workflow = 'wf-b' AND status = 'Failed';
            """);
        await AssertCountsMatchAsync("after status, queue and workflow changes and an update that changes no status");

        await FoldAsync();
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM queueflow.status_count_changes"));
        await AssertCountsMatchAsync("after a fold");

        await ExecuteAsync("DELETE FROM queueflow.jobs WHERE workflow = 'wf-old'");
        await AssertCountsMatchAsync("after deleting jobs (their tasks go by cascade)");

        // Writers and folds at once: every writer flips statuses back and forth; a fold runs between their commits.
        var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var round = 0; round < 15; round++)
            {
                await ExecuteAsync($"""
                    UPDATE queueflow.jobs SET status = CASE status WHEN 'Completed' THEN 'Running' ELSE 'Completed' END WHERE abs(hashtext(id::text) % 6) = {w};
                    UPDATE queueflow.job_tasks SET status = CASE status WHEN 'Completed' THEN 'Failed' ELSE 'Completed' END WHERE abs(hashtext(task_id || job_id::text) % 6) = {w};
                    """);
            }
        })).ToList();
        var folds = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
                await FoldAsync();
        });
        await Task.WhenAll([.. writers, folds]);
        await AssertCountsMatchAsync("after concurrent writers and folds");
        await FoldAsync();
        await AssertCountsMatchAsync("after the last fold");

        await ExecuteAsync("TRUNCATE queueflow.jobs CASCADE");
        Assert.Empty(await ReadCountsAsync());
        await ExecuteAsync(InsertJobs(100, 102, "wf-new"));
        await AssertCountsMatchAsync("after truncate and new rows");
    }

    /// <summary>Jobs <paramref name="from"/>..<paramref name="to"/>: every third Failed, the rest Running; three tasks each on q-0..q-2, the third without a queue.</summary>
    static string InsertJobs(int from, int to, string workflow) => $"""
        INSERT INTO queueflow.jobs (id, current_state, workflow, workflow_version, status, variables, errors, created_at, updated_at, history_count)
        SELECT md5('{workflow}' || i)::uuid, 'Running', '{workflow}', 1, CASE WHEN i % 3 = 0 THEN 'Failed' ELSE 'Running' END, jsonb_build_object(), '[]', now(), now(), 0
        FROM generate_series({from}, {to}) i;
        INSERT INTO queueflow.job_tasks (job_id, task_id, kind, queue, status, attempt, iteration, output, attempts)
        SELECT md5('{workflow}' || i)::uuid, 't' || k, 'Worker', CASE WHEN k < 3 THEN 'q-' || ((i + k) % 3) END,
               CASE WHEN k = 1 THEN 'Completed' WHEN i % 3 = 0 THEN 'Failed' ELSE 'Running' END, 1, 0, jsonb_build_object(), '[]'
        FROM generate_series({from}, {to}) i CROSS JOIN generate_series(1, 3) k;
        """;

    async Task AssertCountsMatchAsync(string when)
    {
        var counted = new List<StatusCount>();
        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                SELECT 'job', workflow, status, count(*) FROM queueflow.jobs GROUP BY workflow, status
                UNION ALL SELECT 'task', coalesce(queue, ''), status, count(*) FROM queueflow.job_tasks GROUP BY coalesce(queue, ''), status
                """, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                counted.Add(new StatusCount(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        }

        Assert.True(counted.Count > 0 || when.Contains("truncate", StringComparison.Ordinal), $"the test wrote rows {when}");
        var kept = await ReadCountsAsync();
        Assert.Equal(Sorted(counted), Sorted(kept));

        static List<StatusCount> Sorted(IEnumerable<StatusCount> counts) =>
            [.. counts.OrderBy(c => c.Entity, StringComparer.Ordinal).ThenBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.Status, StringComparer.Ordinal)];
    }

    async Task<IReadOnlyList<StatusCount>> ReadCountsAsync()
    {
        await using var db = QueueFlowDesignTimeDbContextFactory.Create(_connectionString);
        return await StatusCounts.ReadAsync(db, CancellationToken.None);
    }

    async Task FoldAsync()
    {
        await using var db = QueueFlowDesignTimeDbContextFactory.Create(_connectionString);
        await StatusCounts.FoldAsync(db, CancellationToken.None);
    }

    async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
