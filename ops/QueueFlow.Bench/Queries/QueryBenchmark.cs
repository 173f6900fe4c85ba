using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using QueueFlow.Api.Jobs;
using QueueFlow.Api.Tasks;
using QueueFlow.Bench.Reporting;
using QueueFlow.Bench.Services;
using QueueFlow.Contracts;
using QueueFlow.Persistence;

namespace QueueFlow.Bench.Queries;

/// <summary>
/// <c>ops/bench --queries</c>: loads <c>jobs</c> jobs with three tasks each into the (fresh) bench database with
/// generate_series, ANALYZEs, then runs every list query of the API, built by the API's own query classes, for its
/// first page and a page from the middle of the data, and prints the timings and the plans.
/// </summary>
internal sealed class QueryBenchmark(int jobs, ServiceSettings settings)
{
    const int Limit = 50;
    const int Runs = 7;
    static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    readonly DateTimeOffset _started = DateTimeOffset.UtcNow;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var machine = MachineInfo.Current();
        var dataSource = settings.CreateDataSource(2);
        await using (dataSource)
        {
            await using (var version = dataSource.CreateCommand("SHOW server_version"))
                machine = machine with { PostgresVersion = (string?)await version.ExecuteScalarAsync(cancellationToken) ?? "?" };
            await using (var existing = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM queueflow.jobs)"))
            {
                if ((bool)(await existing.ExecuteScalarAsync(cancellationToken))!)
                {
                    Progress($"database {settings.DatabaseName} already holds jobs; the query bench loads its own into an empty one (ops/bench makes one)");
                    return 1;
                }
            }

            var load = Stopwatch.StartNew();
            Progress($"loading {jobs:N0} jobs and {3L * jobs:N0} tasks");
            await ExecuteAsync(dataSource, Fill(jobs), cancellationToken);
            Progress($"loaded in {load.Elapsed.TotalSeconds:0.0} s; ANALYZE");
            await ExecuteAsync(dataSource, "ANALYZE queueflow.jobs; ANALYZE queueflow.job_tasks;", cancellationToken);
            var loadSeconds = load.Elapsed.TotalSeconds;

            var options = new DbContextOptionsBuilder<QueueFlowDbContext>();
            QueueFlowDbContextOptions.Configure(options, settings.ConnectionString);
            await using var db = new QueueFlowDbContext(options.Options);
            var results = new List<(QueryCase Case, QueryTiming First, QueryTiming Deep)>();
            foreach (var queryCase in Cases(jobs))
            {
                Progress(queryCase.Name);
                results.Add((queryCase, await MeasureAsync(db, queryCase.First(db), cancellationToken), await MeasureAsync(db, queryCase.Deep(db), cancellationToken)));
            }

            Console.Out.Write(Render(machine, loadSeconds, results));
        }

        return 0;
    }

    /// <summary>
    /// Mostly finished jobs, as on a long-running installation (1 % Running, 0.4 % Paused, 14 % Failed), one a second
    /// from 2026-01-01, over 97 workflows; tasks t1..t3 on ten queues, the last one Running or Failed with its job.
    /// </summary>
    static string Fill(int jobs) => string.Create(CultureInfo.InvariantCulture, $"""
        INSERT INTO queueflow.jobs (id, current_state, workflow, workflow_version, status, variables, errors, created_at, updated_at, history_count)
        SELECT md5(i::text)::uuid, 'Final', 'wf-' || (i % 97), 1,
               CASE WHEN i % 100 = 0 THEN 'Running' WHEN i % 251 = 0 THEN 'Paused' WHEN i % 7 = 0 THEN 'Failed' ELSE 'Completed' END,
               jsonb_build_object('orderId', i), '[]', timestamptz '2026-01-01' + i * interval '1 second', timestamptz '2026-01-01' + i * interval '1 second', 3
        FROM generate_series(1, {jobs}) i;
        INSERT INTO queueflow.job_tasks (job_id, task_id, kind, queue, status, attempt, iteration, output, attempts)
        SELECT j.id, 't' || k, 'Worker', 'q-' || (extract(epoch FROM j.created_at - timestamptz '2026-01-01')::bigint + k) % 10,
               CASE WHEN k = 3 AND j.status IN ('Running', 'Failed') THEN j.status ELSE 'Completed' END, 1, 0, jsonb_build_object(), '[]'
        FROM queueflow.jobs j CROSS JOIN generate_series(1, 3) k;
        """);

    static IEnumerable<QueryCase> Cases(int jobs)
    {
        var middleJob = new JobKey(Epoch.AddSeconds(jobs / 2), Guid.Empty);
        var middleTask = new TaskKey(Guid.Parse("80000000-0000-0000-0000-000000000000"), "t1");
        var middleCancel = new BulkCancelKey(JobStatus.Running, middleJob.CreatedAt, Guid.Empty);
        QueryCase Jobs(string route, JobFilter filter) =>
            new(route, db => JobListQuery.Build(db, filter, null, Limit + 1), db => JobListQuery.Build(db, filter, middleJob, Limit + 1));
        QueryCase Tasks(string route, TaskFilter filter) =>
            new(route, db => TaskListQuery.Build(db, filter, null, Limit + 1), db => TaskListQuery.Build(db, filter, middleTask, Limit + 1));

        yield return Jobs("GET /api/jobs", new JobFilter());
        yield return Jobs("GET /api/jobs?from=&to= (one day)", new JobFilter { From = middleJob.CreatedAt.AddHours(-12), To = middleJob.CreatedAt.AddHours(12) });
        yield return Jobs("GET /api/jobs?status=Running", new JobFilter { Status = JobStatus.Running });
        yield return Jobs("GET /api/jobs?status=Completed", new JobFilter { Status = JobStatus.Completed });
        yield return Jobs("GET /api/jobs?workflow=wf-3", new JobFilter { Workflow = "wf-3" });
        yield return Jobs("GET /api/jobs?workflow=wf-3&status=Failed", new JobFilter { Workflow = "wf-3", Status = JobStatus.Failed });
        yield return Tasks("GET /api/tasks", new TaskFilter());
        yield return Tasks("GET /api/tasks?status=Running", new TaskFilter { Status = TaskRunStatus.Running });
        yield return Tasks("GET /api/tasks?queue=q-3", new TaskFilter { Queue = "q-3" });
        yield return Tasks("GET /api/tasks?queue=q-3&status=Failed", new TaskFilter { Queue = "q-3", Status = TaskRunStatus.Failed });
        yield return Tasks("GET /api/tasks?workflow=wf-3", new TaskFilter { Workflow = "wf-3" });
        yield return new QueryCase("POST /api/jobs/cancel {filter:{}} (the walk)",
            db => BulkCancelQuery.Build(db, new JobFilter(), null, 1001), db => BulkCancelQuery.Build(db, new JobFilter(), middleCancel, 1001));
    }

    static async Task<QueryTiming> MeasureAsync(QueueFlowDbContext db, IQueryable<object> query, CancellationToken cancellationToken)
    {
        var times = new List<double>();
        var rows = 0;
        for (var run = 0; run < Runs; run++)
        {
            var watch = Stopwatch.StartNew();
            rows = (await query.ToListAsync(cancellationToken)).Count;
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = query.CreateDbCommand();
        command.CommandText = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + command.CommandText;
        using var explained = JsonDocument.Parse((string)(await command.ExecuteScalarAsync(cancellationToken))!);
        var result = explained.RootElement[0];
        var plan = result.GetProperty("Plan");
        await db.Database.CloseConnectionAsync();
        return new QueryTiming(times.Order().ElementAt(Runs / 2), result.GetProperty("Execution Time").GetDouble(),
            plan.GetProperty("Shared Hit Blocks").GetInt64() + plan.GetProperty("Shared Read Blocks").GetInt64(), rows, Summarize(plan));
    }

    /// <summary>The plan's nodes, outermost first, with the index each reads: "Limit › Index Scan (ix_…)".</summary>
    static string Summarize(JsonElement node)
    {
        var text = node.GetProperty("Node Type").GetString()
            + (node.TryGetProperty("Index Name", out var index) ? $" ({index.GetString()})" : string.Empty)
            + (node.TryGetProperty("Relation Name", out var relation) && !node.TryGetProperty("Index Name", out _) ? $" ({relation.GetString()})" : string.Empty);
        if (!node.TryGetProperty("Plans", out var children))
            return text;
        var inner = children.EnumerateArray().Select(Summarize).ToList();
        return inner.Count == 1 ? $"{text} › {inner[0]}" : $"{text} › [{string.Join(" ⨯ ", inner)}]";
    }

    string Render(MachineInfo machine, double loadSeconds, List<(QueryCase Case, QueryTiming First, QueryTiming Deep)> results)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Query bench on {_started:yyyy-MM-dd}: {jobs:N0} jobs, {3L * jobs:N0} tasks (loaded and analyzed in {loadSeconds:0} s), pages of {Limit}, median of {Runs} runs");
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine.Cores} cores, {machine.Cpu}, {machine.MemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB; load average {machine.LoadAverage} at start; PostgreSQL {machine.PostgresVersion}; {machine.Runtime}");
        text.AppendLine();
        text.AppendLine("| query | first page | deep page (middle of the data) | plan of the deep page |");
        text.AppendLine("|---|---|---|---|");
        foreach (var (queryCase, first, deep) in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| `{queryCase.Name}` | {first.MedianMs:0.0} ms ({first.ExecutionMs:0.00} ms in PostgreSQL, {first.SharedBuffers} buffers) | {deep.MedianMs:0.0} ms ({deep.ExecutionMs:0.00} ms, {deep.SharedBuffers} buffers) | {deep.Plan} |");
        }

        return text.ToString();
    }

    static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    void Progress(string message) =>
        Console.Error.WriteLine($"[bench +{(DateTimeOffset.UtcNow - _started).TotalSeconds,5:0.0}s] {message}");
}
