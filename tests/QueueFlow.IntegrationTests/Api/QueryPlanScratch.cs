using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.Persistence;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>
/// A scratch copy of jobs and job_tasks in a schema of its own, with every index the migrations gave the real tables
/// (copied from pg_indexes, so the test follows the model) and enough rows that PostgreSQL's planner prefers an index
/// to reading the table, as it does on a large installation. The real tables are left alone: other tests count on them.
/// </summary>
public sealed class QueryPlanScratch : IAsyncLifetime
{
    public const int Jobs = 30_000;
    /// <summary>Prime, so that every workflow has jobs of every status.</summary>
    public const int Workflows = 97;
    public const int Queues = 10;

    public string Schema { get; } = $"qf_plans_{TestSettings.RunId}";

    public async Task InitializeAsync()
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"""
            DROP SCHEMA IF EXISTS {Schema} CASCADE;
            CREATE SCHEMA {Schema};
            CREATE TABLE {Schema}.jobs (LIKE {QueueFlowDbContext.Schema}.jobs INCLUDING DEFAULTS);
            CREATE TABLE {Schema}.job_tasks (LIKE {QueueFlowDbContext.Schema}.job_tasks INCLUDING DEFAULTS);
            """);

        // Columns added later by other features must not break the fill below, which sets only those the queries read.
        await ExecuteAsync(connection, $"""
            DO $$ DECLARE c record; BEGIN
              FOR c IN SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = '{Schema}' AND is_nullable = 'NO' LOOP
                EXECUTE format('ALTER TABLE %I.%I ALTER COLUMN %I DROP NOT NULL', '{Schema}', c.table_name, c.column_name);
              END LOOP;
            END $$;
            """);

        // Mostly finished jobs, as on a long-running installation: 1 % Running, 0.4 % Paused, 14 % Failed.
        await ExecuteAsync(connection, $"""
            INSERT INTO {Schema}.jobs (id, current_state, workflow, workflow_version, status, variables, errors, created_at, updated_at, history_count)
            SELECT md5(i::text)::uuid, 'Final', 'wf-' || (i % {Workflows}), 1,
                   CASE WHEN i % 100 = 0 THEN 'Running' WHEN i % 251 = 0 THEN 'Paused' WHEN i % 7 = 0 THEN 'Failed' ELSE 'Completed' END,
                   jsonb_build_object(), '[]', timestamptz '2026-01-01' + i * interval '1 second', timestamptz '2026-01-01' + i * interval '1 second', 3
            FROM generate_series(1, {Jobs}) i;
            INSERT INTO {Schema}.job_tasks (job_id, task_id, kind, queue, status, attempt, iteration, attempt_id, job_key, task_run_id, output, attempts)
            SELECT j.id, 't' || k, 'Worker', 'q-' || (extract(epoch FROM j.created_at - timestamptz '2026-01-01')::bigint + k) % {Queues},
                   CASE WHEN k = 3 AND j.status IN ('Running', 'Failed') THEN j.status ELSE 'Completed' END, 1, 0,
                   md5('a' || j.id || k)::uuid, ('x' || left(md5('k' || j.id || k), 15))::bit(60)::bigint, md5('r' || j.id || k)::uuid,
                   jsonb_build_object(), '[]'
            FROM {Schema}.jobs j CROSS JOIN generate_series(1, 3) k;
            """);

        var definitions = new List<string>();
        await using (var read = new NpgsqlCommand(
            $"SELECT indexdef FROM pg_indexes WHERE schemaname = '{QueueFlowDbContext.Schema}' AND tablename IN ('jobs', 'job_tasks')", connection))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                definitions.Add(reader.GetString(0));
        }

        foreach (var definition in definitions)
            await ExecuteAsync(connection, Rewrite(definition));
        await ExecuteAsync(connection, $"ANALYZE {Schema}.jobs; ANALYZE {Schema}.job_tasks;");
    }

    public async Task DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"DROP SCHEMA IF EXISTS {Schema} CASCADE");
    }

    /// <summary>PostgreSQL's plan for <paramref name="query"/>'s SQL, run against the scratch tables instead of the real ones.</summary>
    public async Task<QueryPlan> ExplainAsync<T>(QueueFlowDbContext db, IQueryable<T> query)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.OpenConnectionAsync();
        await using var command = query.CreateDbCommand();
        command.CommandText = "EXPLAIN (FORMAT JSON) " + Rewrite(command.CommandText);
        var json = (string)(await command.ExecuteScalarAsync())!;
        return new QueryPlan(JsonDocument.Parse(json).RootElement[0].GetProperty("Plan").Clone());
    }

    /// <summary>The SQL with its tables in the scratch schema: EF Core names them schema-qualified, and no other text contains that prefix.</summary>
    string Rewrite(string sql) => sql.Replace($"{QueueFlowDbContext.Schema}.", $"{Schema}.", StringComparison.Ordinal);

    static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 120 };
        await command.ExecuteNonQueryAsync();
    }
}
