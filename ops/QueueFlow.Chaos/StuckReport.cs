using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace QueueFlow.Chaos;

/// <summary>
/// What a run that did not settle prints, read while the hang is still there (before the workers are stopped): the
/// jobs not final with their tasks and outbox rows, QueueFlow's database sessions and what each waits for, the advisory
/// locks (marked with the stuck job they belong to), and the worker log lines that name a stuck job. CI keeps only
/// what a run prints, so this is all a person has to find the hang with. With QUEUEFLOW_CHAOS_DUMP set to a
/// dotnet-dump executable, a full dump of each running worker is written to the run's log directory as well (for
/// <c>dotnet-dump analyze</c> and its <c>dumpasync</c>: an awaited task that never completes shows on no thread).
/// </summary>
internal static class StuckReport
{
    const int MaxLogLinesPerJob = 24;

    const string JobsSql = """
        SELECT j.id, j.status, j.current_state, round(extract(epoch FROM now() - j.updated_at))::int,
               (SELECT count(*) FROM queueflow.outbox AS o WHERE o.job_id = j.id),
               (SELECT string_agg(t.task_id || '=' || t.status || '#' || t.attempt, ' ' ORDER BY t.task_id)
                  FROM queueflow.job_tasks AS t WHERE t.job_id = j.id)
        FROM queueflow.jobs AS j
        WHERE j.status NOT IN ('Completed', 'Failed', 'Cancelled')
        ORDER BY j.updated_at
        LIMIT 5
        """;

    const string SessionsSql = """
        SELECT pid, state, coalesce(wait_event_type || ':' || wait_event, '-'),
               round(extract(epoch FROM now() - coalesce(xact_start, state_change)))::int,
               left(regexp_replace(coalesce(query, ''), '\s+', ' ', 'g'), 150)
        FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
        ORDER BY state, pid
        """;

    // A job's send lock is the two-key advisory lock (class, hashtext(id)); pg_locks shows the keys as unsigned oids.
    const string LocksSql = """
        SELECT l.pid, l.granted, l.classid::bigint, l.objid::bigint, l.objsubid,
               (SELECT j.id::text FROM queueflow.jobs AS j
                WHERE j.status NOT IN ('Completed', 'Failed', 'Cancelled')
                  AND l.objsubid = 2 AND l.objid::bigint = (hashtext(j.id::text)::bigint & 4294967295)
                LIMIT 1)
        FROM pg_locks AS l
        WHERE l.locktype = 'advisory' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY l.granted, l.pid
        """;

    public static async Task PrintAsync(
        NpgsqlDataSource dataSource, IEnumerable<string> logPaths, IReadOnlyList<(string Name, int Pid)> workers, string logDirectory,
        CancellationToken cancellationToken)
    {
        var report = new StringBuilder();
        report.AppendLine().AppendLine("What the run was stuck on, read before the workers were stopped:");
        var stuck = new List<Guid>();
        try
        {
            await ReadAsync(dataSource, JobsSql, reader =>
            {
                stuck.Add(reader.GetGuid(0));
                report.AppendLine(Invariant(
                    $"  job {reader.GetGuid(0)} {reader.GetString(1)} in {reader.GetString(2)}, unchanged for {reader.GetInt32(3)}s, {reader.GetInt64(4)} outbox rows; tasks {(reader.IsDBNull(5) ? "none" : reader.GetString(5))}"));
            }, cancellationToken);

            report.AppendLine("  QueueFlow's sessions (pid, state, waiting for, seconds in transaction or state, statement):");
            await ReadAsync(dataSource, SessionsSql, reader => report.AppendLine(Invariant(
                $"    {reader.GetInt32(0)} {(reader.IsDBNull(1) ? "?" : reader.GetString(1))} {reader.GetString(2)} {reader.GetInt32(3)}s: {reader.GetString(4)}")),
                cancellationToken);

            report.AppendLine("  advisory locks (pid, granted, keys, stuck job it is the send lock of):");
            await ReadAsync(dataSource, LocksSql, reader => report.AppendLine(Invariant(
                $"    {reader.GetInt32(0)} {(reader.GetBoolean(1) ? "held" : "WAITING")} {reader.GetInt64(2)}/{reader.GetInt64(3)}/{reader.GetInt16(4)} {(reader.IsDBNull(5) ? string.Empty : "job " + reader.GetString(5))}")),
                cancellationToken);
        }
        catch (NpgsqlException exception)
        {
            report.AppendLine($"  the database could not be read: {exception.Message}");
        }

        foreach (var job in stuck)
            AppendLogLines(report, job, logPaths);
        await DumpAsync(report, workers, logDirectory, cancellationToken);
        Console.Error.Write(report.ToString());
    }

    /// <summary>
    /// Each log entry naming the job: its first line (time, level, category) comes before the scopes' line that names the
    /// job, its message and the exception's first line after; at most a screenful.
    /// </summary>
    static void AppendLogLines(StringBuilder report, Guid job, IEnumerable<string> logPaths)
    {
        var id = job.ToString();
        report.AppendLine($"  worker log lines naming job {id}:");
        var printed = 0;
        foreach (var path in logPaths.Where(File.Exists))
        {
            var lines = File.ReadAllLines(path);
            for (var i = 0; i < lines.Length && printed < MaxLogLinesPerJob; i++)
            {
                if (!lines[i].Contains(id, StringComparison.OrdinalIgnoreCase))
                    continue;
                for (var j = Math.Max(i - 1, 0); j < Math.Min(i + 3, lines.Length) && printed < MaxLogLinesPerJob; j++, printed++)
                    report.AppendLine($"    {Path.GetFileName(path)}: {Cut(lines[j], 220)}");
            }
        }

        if (printed == 0)
            report.AppendLine("    none");
    }

    static async Task DumpAsync(StringBuilder report, IReadOnlyList<(string Name, int Pid)> workers, string logDirectory, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("QUEUEFLOW_CHAOS_DUMP") is not { Length: > 0 } tool)
            return;
        foreach (var (name, pid) in workers)
        {
            var path = Path.Combine(logDirectory, $"{name}.{pid}.dmp");
            using var process = Process.Start(new ProcessStartInfo(tool, ["collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", path])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            await process.WaitForExitAsync(cancellationToken);
            report.AppendLine(process.ExitCode == 0 ? $"  dump of {name}: {path}" : $"  dump of {name} failed: {await process.StandardError.ReadToEndAsync(cancellationToken)}");
        }
    }

    static async Task ReadAsync(NpgsqlDataSource dataSource, string sql, Action<NpgsqlDataReader> row, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            row(reader);
    }

    static string Cut(string line, int length) => line.Length <= length ? line : line[..length] + "…";

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
