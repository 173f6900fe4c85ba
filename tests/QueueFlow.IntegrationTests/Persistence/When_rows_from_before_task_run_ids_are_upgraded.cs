using Microsoft.EntityFrameworkCore;
using Npgsql;
using QueueFlow.Core.Jobs;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.Migrations;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>
/// A database upgraded from before task-run ids: its task rows get the ids the worker gives every task, computed in SQL
/// exactly as in C#, so a Prefect client can name tasks of jobs started before the upgrade. A database of its own,
/// migrated to the migration before the backfill, then to the latest.
/// </summary>
public sealed class When_rows_from_before_task_run_ids_are_upgraded : IAsyncLifetime
{
    const string BeforeBackfill = "20261207192925_DeadLetterBodyEncoding";

    string _connectionString = string.Empty;

    public async Task InitializeAsync() => _connectionString = await OwnDatabase.CreateAsync("task_run_ids", BeforeBackfill);

    public Task DisposeAsync() => OwnDatabase.DropAsync(_connectionString);

    [Fact]
    public async Task Should_give_each_row_without_one_the_id_the_worker_would_have_given_it_and_leave_the_others()
    {
        var jobId = Guid.NewGuid();
        var kept = Guid.NewGuid();
        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand($"""
                INSERT INTO queueflow.jobs (id, current_state, workflow, workflow_version, status, variables, errors, created_at, updated_at, history_count)
                VALUES ('{jobId}', 'Running', 'wf-upgrade', 1, 'Running', '{"{}"}', '[]', now(), now(), 0);
                INSERT INTO queueflow.job_tasks (job_id, task_id, kind, queue, status, attempt, iteration, output, attempts, task_run_id) VALUES
                    ('{jobId}', 't1', 'Worker', 'q', 'Completed', 1, 0, '{"{}"}', '[]', NULL),
                    ('{jobId}', 'étape 2 / 東京', 'Worker', 'q', 'Running', 2, 3, '{"{}"}', '[]', NULL),
                    ('{jobId}', 't3', 'Worker', 'q', 'Pending', 0, 0, '{"{}"}', '[]', '{kept}');
                """, connection);
            await insert.ExecuteNonQueryAsync();
        }

        await using (var db = QueueFlowDesignTimeDbContextFactory.Create(_connectionString))
            await db.Database.MigrateAsync();

        Assert.Equal(new Dictionary<string, Guid?>
        {
            ["t1"] = TaskRunIds.For(jobId, "t1", 0),
            ["étape 2 / 東京"] = TaskRunIds.For(jobId, "étape 2 / 東京", 3),
            ["t3"] = kept,
        }, await TaskRunIdsAsync(jobId));
    }

    async Task<Dictionary<string, Guid?>> TaskRunIdsAsync(Guid jobId)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT task_id, task_run_id FROM queueflow.job_tasks WHERE job_id = $1", connection);
        command.Parameters.AddWithValue(jobId);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new Dictionary<string, Guid?>();
        while (await reader.ReadAsync())
            ids[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetGuid(1);
        return ids;
    }
}
