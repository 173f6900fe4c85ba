using System.Text;
using QueueFlow.Bench.Ceilings;
using QueueFlow.Bench.Driving;
using QueueFlow.Bench.Peer;
using static System.FormattableString;

namespace QueueFlow.Bench.Reporting;

/// <summary>Renders a <see cref="BenchReport"/>: an aligned table for the terminal, then the same as markdown for the README.</summary>
internal static class ReportPrinter
{
    const double MiB = 1024 * 1024;

    public static string Render(BenchReport report, string commandLine)
    {
        var table = Build(report);
        var text = new StringBuilder();
        text.AppendLine();
        text.Append(table.ToText());
        foreach (var check in Checks(report.QueueFlow).Concat(PeerChecks(report.Peer)).Concat(report.Notes))
            text.AppendLine("  * " + check);
        text.AppendLine();
        text.AppendLine("Markdown (paste into the README):");
        text.AppendLine();
        text.AppendLine(Invariant($"Measured with `{commandLine}` on {DateTime.UtcNow:yyyy-MM-dd}:"));
        text.AppendLine();
        text.Append(table.ToMarkdown());
        return text.ToString();
    }

    static TextTable Build(BenchReport report)
    {
        var m = report.Machine;
        var o = report.Options;
        var table = new TextTable("Measure", "Value", "Detail")
            .Add("Machine", Invariant($"{m.Cores} cores, {m.MemoryBytes / MiB / 1024:0.0} GiB"), Invariant($"{m.Cpu}; load average {m.LoadAverage} at start"))
            .Add("OS / runtime", m.Os, m.Runtime)
            .Add("Services", $"RabbitMQ {m.RabbitMqVersion}", $"PostgreSQL {m.PostgresVersion}, database {report.Database}");

        if (report.QueueFlow is { } q)
        {
            var pace = o.Rate is { } rate ? Invariant($"new jobs paced at {rate:0.##}/s (open loop)") : Invariant($"at most {o.Concurrency} jobs in flight");
            table.Add("Workload", Invariant($"{q.Jobs:N0} jobs × {o.TasksPerJob} tasks"),
                    Invariant($"sequential chain, {pace}, {o.Instances} worker process(es), {q.Warmup.Jobs} warm-up jobs not counted"))
                .Add("QueueFlow completions/s", Invariant($"{q.CompletionsPerSecond:N1}"),
                    Invariant($"{q.Completions:N0} task completions in {q.Elapsed.TotalSeconds:0.0} s, first StartJob to last JobCompleted{(q.TimedOut ? " — TIMED OUT" : string.Empty)}"))
                .Add("QueueFlow jobs/s", Invariant($"{q.JobsPerSecond:N1}"), Invariant($"{q.JobsFinished:N0} jobs ended"))
                .Add("CompleteTask → next RunTask", Median(q.Hop), Percentiles(q.Hop))
                .Add("StartJob → first RunTask", Median(q.Start), Percentiles(q.Start))
                .Add("Job end to end", Median(q.EndToEnd), Percentiles(q.EndToEnd));
            // The hop above, named by the load it was measured at, when that load is the point of the run.
            if (o.Rate is not null || o.Concurrency == 1)
                table.Add(LoadLatencyLabel(o), Median(q.Hop), LoadLatencyDetail(o, q));
            table
                .Add("CPU during the measured run", Invariant($"{q.Cpu.Workers / q.Elapsed:0.00} cores"),
                    Invariant($"busy on average in the worker process(es), of {m.Cores}; the driver (simulated task workers) {q.Cpu.Driver / q.Elapsed:0.00}, PostgreSQL {q.Cpu.PostgreSql / q.Elapsed:0.00}, RabbitMQ {q.Cpu.RabbitMq / q.Elapsed:0.00} cores"))
                .Add("CPU per completion", Invariant($"{q.MillisecondsPerCompletion(q.Cpu.Total):0.00} ms"),
                    Invariant($"worker {q.MillisecondsPerCompletion(q.Cpu.Workers):0.00} ms, PostgreSQL {q.MillisecondsPerCompletion(q.Cpu.PostgreSql):0.00} ms, RabbitMQ {q.MillisecondsPerCompletion(q.Cpu.RabbitMq):0.00} ms, simulated workers {q.MillisecondsPerCompletion(q.Cpu.Driver):0.00} ms (servers: every process of theirs)"))
                .Add("PostgreSQL writes per completion", WalPerCompletion(q), WalDetail(q))
                .Add("Context switches per completion", SwitchesPerCompletion(q), SwitchesDetail(q))
                .Add("Rate by quarter", Invariant($"last ÷ first {q.Quarters.LastOverFirst:P1}"), Quarters(q.Quarters))
                .Add("Worker memory", Memory(q.WorkerMemory), MemoryDetail(q.WorkerMemory, "worker"))
                .Add(WarmupRows.Warmup(q, o))
                .Add(WarmupRows.Jit(q, o));
            foreach (var (before, after) in q.TablesBefore.Join(q.TablesAfter, b => b.Table, a => a.Table, (b, a) => (b, a)))
            {
                table.Add($"Table {before.Table}", Invariant($"{before.TotalBytes / MiB:0.0} → {after.TotalBytes / MiB:0.0} MiB"),
                    Invariant($"pg_total_relation_size before → after the measured run; indexes (pg_indexes_size) {before.IndexBytes / MiB:0.0} → {after.IndexBytes / MiB:0.0} MiB; {after.SequentialScans - before.SequentialScans:N0} sequential scans"));
            }

            table.Add("Worker time per message", PhasesTotal(q), PhasesDetail(q))
                .Add("Group commit and read", GroupsValue(q), GroupsDetail(q))
                .Add("Worker allocations", GcValue(q), GcDetail(q));
            foreach (var (measure, value, detail) in StatementRows(q))
                table.Add(measure, value, detail);
        }

        if (report.Peer is { } p)
        {
            table.Add($"{p.Name} completions/s", Invariant($"{p.CompletionsPerSecond:N1}"),
                    Invariant($"{p.Completions:N0} steps of {p.ChainsFinished:N0}/{p.Chains:N0} chains in {p.Elapsed.TotalSeconds:0.0} s, same workload; {p.Versions}, server in its own process with {p.Workers} workers{(p.TimedOut ? " — TIMED OUT" : string.Empty)}"))
                .Add($"{p.Name} step n → step n+1 start", Median(p.StepWait), "enqueue of the next step (in step n) → its start; " + Percentiles(p.StepWait))
                .Add($"{p.Name} CPU per completion", Invariant($"{p.MillisecondsPerCompletion(p.Cpu.Total):0.00} ms"),
                    Invariant($"server {p.MillisecondsPerCompletion(p.Cpu.Workers):0.00} ms, PostgreSQL {p.MillisecondsPerCompletion(p.Cpu.PostgreSql):0.00} ms, RabbitMQ (unused) {p.MillisecondsPerCompletion(p.Cpu.RabbitMq):0.00} ms, driver {p.MillisecondsPerCompletion(p.Cpu.Driver):0.00} ms"))
                .Add($"{p.Name} rate by quarter", Invariant($"last ÷ first {p.Quarters.LastOverFirst:P1}"), Quarters(p.Quarters))
                .Add($"{p.Name} server memory", Memory(p.ServerMemory), MemoryDetail(p.ServerMemory, "server"));
            if (report.QueueFlow is { } ours)
                table.Add($"QueueFlow ÷ {p.Name}", Invariant($"{ours.CompletionsPerSecond / p.CompletionsPerSecond:0.00}×"), "completions/s ÷ completions/s");
        }

        table.Add("RabbitMQ ceiling", Ceiling(report.RabbitMq, "msgs/s"), report.RabbitMq?.Detail ?? "not measured")
            .Add("PostgreSQL ceiling", Ceiling(report.Postgres, "tx/s"), report.Postgres?.Detail ?? "not measured")
            .Add("Hop floor, 1 in flight", report.HopFloor is { } floor ? Median(floor) : "—", report.HopFloor is { } measured
                ? Percentiles(measured) + "; a persistent confirmed message into a quorum queue, one committed transaction (lock, update, insert), a persistent confirmed answer into a classic queue, nothing of QueueFlow: the shortest CompleteTask → next RunTask these services allow"
                : "not measured");
        if (report.StepFloor is { } steps)
        {
            table.Add(Invariant($"Step floor, {steps.InFlight} in flight"), Invariant($"{steps.StepsPerSecond:N1} steps/s"),
                Invariant($"{steps.Steps:N0} steps in {steps.Elapsed.TotalSeconds:0.0} s, each the hop floor's, a new one sent as each answer arrives, {steps.Handlers} stand-in handlers each on a connection of its own, nothing of QueueFlow: the most completions/s these services allow with one transaction and two confirmed messages per step; ")
                + Invariant($"CPU per step {steps.MillisecondsPerStep(steps.Cpu.Total):0.00} ms (PostgreSQL {steps.MillisecondsPerStep(steps.Cpu.PostgreSql):0.00}, RabbitMQ {steps.MillisecondsPerStep(steps.Cpu.RabbitMq):0.00}, the bench's stand-in and driver {steps.MillisecondsPerStep(steps.Cpu.Workers):0.00}); send → answer p50 {steps.Latency.P50:0.0} ms, ")
                + Percentiles(steps.Latency));
        }

        if (report.QueueFlow is { } flow)
        {
            table.Add("QueueFlow ÷ RabbitMQ ceiling", Fraction(flow, report.RabbitMq), "completions/s ÷ msgs/s")
                .Add("QueueFlow ÷ PostgreSQL ceiling", Fraction(flow, report.Postgres), "completions/s ÷ tx/s");
            if (report.StepFloor is { } floorSteps && floorSteps.StepsPerSecond > 0)
            {
                table.Add("QueueFlow ÷ step floor", Invariant($"{flow.CompletionsPerSecond / floorSteps.StepsPerSecond:P1}"),
                    Invariant($"completions/s ÷ steps/s; CPU per completion {flow.MillisecondsPerCompletion(flow.Cpu.Total):0.00} ms against the floor's {floorSteps.MillisecondsPerStep(floorSteps.Cpu.Total):0.00} ms per step"));
            }
            // Only one job in flight compares like with like: under load the hop is mostly waiting for a handler.
            if (report.HopFloor is { Count: > 0 } floorHop && o.Concurrency == 1 && o.Rate is null && flow.Hop.Count > 0)
                table.Add("QueueFlow above the hop floor", Invariant($"+{flow.Hop.P50 - floorHop.P50:0.0} ms p50"),
                    Invariant($"1 job in flight: CompleteTask → next RunTask p50 {flow.Hop.P50:0.0} ms against the floor's {floorHop.P50:0.0} ms, p99 {flow.Hop.P99:0.0} against {floorHop.P99:0.0} ms: what QueueFlow itself adds to a step"));
        }

        return table;
    }

    static string WalPerCompletion(QueueFlowResult q) => q.Wal is not { } w || q.Completions == 0
        ? "—"
        : Invariant($"{(double)w.Records / q.Completions:0.0} WAL records");

    static string WalDetail(QueueFlowResult q) => q.Wal is not { } w || q.Completions == 0
        ? "not measured (the server's statistics could not be read)"
        : Invariant($"{(double)w.Bytes / q.Completions / 1024:0.00} kB of WAL ({(double)w.FullPageImages / q.Completions:0.00} full-page images) and {(double)w.WritingTransactions / q.Completions:0.00} writing transactions per completion; server-wide pg_stat_wal and the WAL position over the measured run, which the machine's noise does not move");

    static string SwitchesPerCompletion(QueueFlowResult q) => q.ContextSwitches is not { } switches || q.Completions == 0
        ? "—"
        : Invariant($"{(double)switches / q.Completions:0.0}");

    static string SwitchesDetail(QueueFlowResult q) => q.ContextSwitches is not { } switches
        ? "not measured (/proc/stat could not be read)"
        : Invariant($"{switches:N0} in the measured run, {switches / q.Elapsed.TotalSeconds:N0}/s: the machine's (/proc/stat ctxt), every process's; each is a core going from one thread to another");

    static string GroupsValue(QueueFlowResult q) => q.Groups is not { Commits: > 0 } g
        ? "—"
        : Invariant($"{g.WritesPerCommit:0.0} writes per commit");

    static string GroupsDetail(QueueFlowResult q) => q.Groups is not { Commits: > 0 } g || q.Completions == 0
        ? "not measured (a worker's /metrics could not be read, or no write went through a group)"
        : Invariant($"{g.JobsPerRead:0.0} jobs per group read; per completion {(double)g.Commits / q.Completions:0.00} group commits and {(double)g.Reads / q.Completions:0.00} group reads (queueflow.database.group_commit.writes and group_read.jobs from each worker's /metrics over the measured run); a new job's write, and a job another session holds, take their own session instead");

    static string GcValue(QueueFlowResult q) => q.Gc is not { } gc || q.Completions == 0
        ? "—"
        : Invariant($"{gc.AllocatedBytes / q.Completions / 1024:0.0} KiB per completion");

    static string GcDetail(QueueFlowResult q) => q.Gc is not { } gc || q.Completions == 0
        ? "not measured (a worker's /metrics could not be read)"
        : Invariant($"{gc.Collections:N0} collections, {gc.Collections / q.Elapsed.TotalSeconds:0.0}/s; paused {gc.PauseSeconds * 1000:N0} ms in all ({gc.PauseSeconds * 1000 / Math.Max(gc.Collections, 1):0.0} ms each, {gc.PauseSeconds / q.Elapsed.TotalSeconds:P1} of the run's time; summed over the workers), from the runtime's System.Runtime meter on each worker's /metrics");

    static string PhasesTotal(QueueFlowResult q) => q.Phases is not { } phases || phases.All(p => p.Count == 0)
        ? "—"
        : Invariant($"{phases.Sum(p => p.MeanMilliseconds):0.00} ms");

    static string PhasesDetail(QueueFlowResult q) => q.Phases is not { } phases || phases.All(p => p.Count == 0)
        ? "not measured (a worker's /metrics could not be read)"
        : "the sum of each phase's mean per message (queueflow.message.phase.duration from each worker's /metrics, before and after the measured run): "
            + string.Join(", ", phases.Select(p => Invariant($"{p.Phase} {p.MeanMilliseconds:0.00} ms ({p.Count:N0})")))
            + "; read includes waiting for the job's lock, send the broker's confirmation";

    /// <summary>PostgreSQL's time per completion in all statements, then the longest ones, each with its share.</summary>
    static IEnumerable<(string Measure, string Value, string Detail)> StatementRows(QueueFlowResult q)
    {
        const int Shown = 6;
        const int QueryLength = 100;
        if (q.Statements is not { Count: > 0 } statements || q.Completions == 0)
        {
            yield return ("PostgreSQL time in statements", "—", "not measured (pg_stat_statements not loaded or not readable; ops/stop && ops/provision loads it)");
            yield break;
        }

        var total = statements.Sum(s => s.Milliseconds);
        yield return ("PostgreSQL time in statements", Invariant($"{total / q.Completions:0.00} ms per completion"),
            Invariant($"pg_stat_statements over the measured run: time inside the server, waits for a core included (compare statements with each other, not with CPU); {(double)statements.Sum(s => s.Calls) / q.Completions:0.0} statements per completion; the {Shown} longest below"));
        foreach (var (statement, rank) in statements.Take(Shown).Select((s, i) => (s, i + 1)))
        {
            var query = statement.Query.Length <= QueryLength ? statement.Query : statement.Query[..QueryLength] + "…";
            yield return (Invariant($"PostgreSQL statement {rank}"), Invariant($"{statement.Milliseconds / q.Completions:0.000} ms ({statement.Milliseconds / total:P0})"),
                Invariant($"{(double)statement.Calls / q.Completions:0.00} calls, {(double)statement.Rows / q.Completions:0.00} rows per completion: {query}"));
        }
    }

    static string Median(LatencySummary s) => s.Count == 0 ? "—" : Invariant($"p50 {s.P50:0.0} ms");

    static string Percentiles(LatencySummary s) => s.Count == 0
        ? "no samples"
        : Invariant($"p95 {s.P95:0.0} ms, p99 {s.P99:0.0} ms, max {s.Max:0.0} ms, mean {s.Mean:0.0} ms; {s.Count:N0} samples");

    static string LoadLatencyLabel(BenchOptions o) => o.Rate is { } rate
        ? Invariant($"Latency at {rate:0.##} jobs/s")
        : o.Concurrency == 1 ? "Latency, 1 job in flight" : Invariant($"Latency at {o.Concurrency} in flight");

    static string LoadLatencyDetail(BenchOptions o, QueueFlowResult q) =>
        q.Hop.Count == 0 ? "no samples" : Invariant($"CompleteTask → next RunTask p50 {q.Hop.P50:0.0} ms, p99 {q.Hop.P99:0.0} ms at {q.CompletionsPerSecond:N1} completions/s{(o.Rate is null ? string.Empty : " (compare with a default run's peak)")}");

    static string Quarters(QuarterRates r) =>
        "completions/s per quarter of the measured run: " + string.Join(", ", r.PerSecond.Select(v => Invariant($"{v:N1}")));

    static string Memory(WorkerMemory m) => m.PeakBytes.Count == 0
        ? "—"
        : Invariant($"peak {m.PeakBytes.Max() / MiB:0} MiB, final {m.FinalBytes.Max() / MiB:0} MiB");

    static string MemoryDetail(WorkerMemory m, string what) => m.PeakBytes.Count == 1
        ? Invariant($"VmHWM and VmRSS of the {what} process at the end of the measured run (not the driver)")
        : Invariant($"VmHWM and VmRSS, largest of {m.PeakBytes.Count} {what} processes; sums {m.PeakBytes.Sum() / MiB:0} and {m.FinalBytes.Sum() / MiB:0} MiB");

    static string Ceiling(CeilingResult? ceiling, string unit) => ceiling is null
        ? "—"
        : Invariant($"{ceiling.PerSecond:N0} {unit}");

    static string Fraction(QueueFlowResult flow, CeilingResult? ceiling) => ceiling is null
        ? "—"
        : Invariant($"{flow.CompletionsPerSecond / ceiling.PerSecond:P1}");

    static IEnumerable<string> PeerChecks(PeerResult? p)
    {
        if (p is null)
            yield break;
        yield return p.Succeeded == p.Expected
            ? Invariant($"{p.Name}: all {p.Expected:N0} steps (warm-up included) are Succeeded")
            : Invariant($"{p.Name}: only {p.Succeeded:N0} of {p.Expected:N0} steps are Succeeded");
    }

    static IEnumerable<string> Checks(QueueFlowResult? q)
    {
        if (q is null)
            yield break;
        var v = q.Verification;
        yield return v.AllCompleted
            ? Invariant($"database: all {v.Expected:N0} jobs (warm-up included) are Completed in queueflow.jobs")
            : Invariant($"database: only {v.Completed:N0} of {v.Expected:N0} jobs are Completed in queueflow.jobs");
        foreach (var (jobId, status) in v.NotCompleted.Take(10))
            yield return $"  job {jobId} is {status}";
        foreach (var jobId in v.Missing.Take(10))
            yield return $"  job {jobId} has no row";
        if (v.NotCompleted.Count + v.Missing.Count > 20)
            yield return Invariant($"  … and {v.NotCompleted.Count + v.Missing.Count - 20:N0} more");
        if (q.WorkerLogs.ServiceRestarted || q.DriverDisconnects > 0)
            yield return "WARNING: RabbitMQ or PostgreSQL restarted or dropped connections during the run; these figures are not representative — run again";
        if (q.WorkerLogs.Errors + q.WorkerLogs.Warnings > 0)
            yield return Invariant($"worker log(s): {q.WorkerLogs.Errors:N0} error and {q.WorkerLogs.Warnings:N0} warning entries — {string.Join(", ", q.WorkerLogs.Paths)}");
        if (q.DeadLettered > 0)
            yield return Invariant($"{q.DeadLettered:N0} message(s) landed in {QueueFlowBenchmark.JobsQueue}_error during the run");
        if (q.DuplicateDispatches > 0)
            yield return Invariant($"{q.DuplicateDispatches:N0} RunTask message(s) were delivered more than once (answered again; not counted)");
        if (q.UnknownDispatches > 0)
            yield return Invariant($"{q.UnknownDispatches:N0} RunTask message(s) for jobs this run did not start");
    }
}
