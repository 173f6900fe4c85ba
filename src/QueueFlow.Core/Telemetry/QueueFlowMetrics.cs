using System.Diagnostics.Metrics;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using static QueueFlow.Core.Telemetry.QueueFlowTelemetry;

namespace QueueFlow.Core.Telemetry;

/// <summary>
/// QueueFlow's counters and histograms (the README's Observability section names each). Counts of a job's
/// changes are taken from what was committed (its history entries and answers), never from what was tried,
/// so a command retried after a write conflict is counted once. The per-status gauges live with the
/// database, see QueueFlow.Persistence's gauge sampler.
/// </summary>
public static class QueueFlowMetrics
{
    static readonly Counter<long> CommandsApplied = QueueFlowTelemetry.Meter.CreateCounter<long>(
        "queueflow.commands.applied", "{command}", "Commands answered by the job saga, by command type and outcome (Accepted, Rejected, Aborted, Wait).");

    static readonly Counter<long> TasksCompleted = QueueFlowTelemetry.Meter.CreateCounter<long>(
        "queueflow.tasks.completed", "{task}", "Tasks that reached Completed.");

    static readonly Counter<long> TasksFailed = QueueFlowTelemetry.Meter.CreateCounter<long>(
        "queueflow.tasks.failed", "{task}", "Tasks that reached Failed for good (no retry left, or a terminal error).");

    static readonly Counter<long> TasksRetried = QueueFlowTelemetry.Meter.CreateCounter<long>(
        "queueflow.tasks.retried", "{task}", "Running tasks set back to Scheduled for another attempt (a failed or timed-out attempt with retries left).");

    static readonly Counter<long> AttemptsTimedOut = QueueFlowTelemetry.Meter.CreateCounter<long>(
        "queueflow.tasks.timeouts", "{attempt}", "Task attempts that ran out of time (start-to-close or heartbeat), retried or not.");

    static readonly Histogram<double> DispatchDuration = QueueFlowTelemetry.Meter.CreateHistogram<double>(
        "queueflow.task.dispatch.duration", "s",
        "From the receipt of the command that made a task ready (CompleteTask for the next task, StartJob for the first, a timer for a retry) to the broker's confirmation of its RunTask.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    static readonly Counter<long> DeadLettered = QueueFlowTelemetry.Meter.CreateCounter<long>(
        "queueflow.outbox.dead_lettered", "{message}", "Outbox rows moved to the dead-letter store (unsendable, or out of attempts).");

    static readonly Counter<long> JobsDeleted = QueueFlowTelemetry.Meter.CreateCounter<long>(
        "queueflow.retention.jobs_deleted", "{job}", "Finished jobs deleted by retention, with their tasks, history and idempotency keys.");

    static readonly Counter<long> DeadLettersDeleted = QueueFlowTelemetry.Meter.CreateCounter<long>(
        "queueflow.retention.dead_letters_deleted", "{message}", "Replayed or discarded dead letters deleted by retention.");

    static readonly Counter<long> Relayed = QueueFlowTelemetry.Meter.CreateCounter<long>(
        "queueflow.outbox.sent", "{message}", "Outbox rows the broker confirmed (or the timer store took), by message type.");

    static readonly Histogram<double> TimerLag = QueueFlowTelemetry.Meter.CreateHistogram<double>(
        "queueflow.timers.lag", "s", "How late a timer fired: the time it ran minus the time it was due.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });

    static readonly Counter<long> DatabaseErrors = QueueFlowTelemetry.Meter.CreateCounter<long>(
        "queueflow.database.errors", "{error}", "Database operations that failed (write conflicts that were retried included), by operation.");

    static readonly Histogram<long> GroupCommitWrites = QueueFlowTelemetry.Meter.CreateHistogram<long>(
        "queueflow.database.group_commit.writes", "{write}", "Job writes committed in one transaction (group commit): 1 when the worker is quiet, more under load.",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32] });

    static readonly Histogram<long> GroupReadJobs = QueueFlowTelemetry.Meter.CreateHistogram<long>(
        "queueflow.database.group_read.jobs", "{job}", "Jobs locked and read in one round trip (group read): 1 when the worker is quiet, more under load.",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64] });

    // From half a millisecond (a read on a quiet worker) to seconds (a lock held by a slow message, a broker outage).
    static readonly Histogram<double> PhaseDuration = QueueFlowTelemetry.Meter.CreateHistogram<double>(
        "queueflow.message.phase.duration", "s",
        "Where a job's message spends its time, by queueflow.phase: read (waiting for the job's lock and reading the job), apply (the saga's rules), commit (the write until committed), send (the committed messages until the broker confirmed them), release (their outbox rows deleted and the lock released, or both handed to the group read's next round trip).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10] });

    static readonly Counter<long> BrokerErrors = QueueFlowTelemetry.Meter.CreateCounter<long>(
        "queueflow.broker.errors", "{error}", "Sends to the broker that failed, by operation (outbox relay or timer).");

    /// <summary>What one committed message changed: its answers and the task transitions in its history.</summary>
    public static void Committed(string workflow, IReadOnlyList<CommandOutcome> outcomes, IReadOnlyList<JobHistoryEntry> history)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(history);
        foreach (var outcome in outcomes)
            CommandAnswered(workflow, outcome);

        if (!TasksCompleted.Enabled && !TasksFailed.Enabled && !TasksRetried.Enabled)
            return;

        var tag = new KeyValuePair<string, object?>(Tags.Workflow, workflow);
        foreach (var entry in history)
        {
            switch (entry.Kind)
            {
                case "TaskCompleted":
                    TasksCompleted.Add(1, tag);
                    break;
                case "TaskFailed":
                    TasksFailed.Add(1, tag);
                    break;
                case "TaskScheduled" when entry.From == nameof(TaskRunStatus.Running):
                    TasksRetried.Add(1, tag);
                    break;
            }
        }
    }

    /// <summary>One answer of the saga; also called for answers sent without a transaction (unknown job, refused start).</summary>
    public static void CommandAnswered(string workflow, CommandOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (CommandsApplied.Enabled)
        {
            CommandsApplied.Add(1,
                new KeyValuePair<string, object?>(Tags.Command, outcome.Command),
                new KeyValuePair<string, object?>(Tags.Outcome, outcome.Status.ToString()),
                new KeyValuePair<string, object?>(Tags.Workflow, workflow));
        }

        if (outcome is { Command: nameof(TimeOutTaskAttempt), Status: CommandStatus.Accepted, Duplicate: false })
            AttemptsTimedOut.Add(1, new KeyValuePair<string, object?>(Tags.Workflow, workflow));
    }

    public static void TaskDispatched(TimeSpan sinceCause, string workflow) =>
        DispatchDuration.Record(sinceCause.TotalSeconds, new KeyValuePair<string, object?>(Tags.Workflow, workflow));

    public static void OutboxSent(string messageType) =>
        Relayed.Add(1, new KeyValuePair<string, object?>(Tags.MessageType, messageType));

    public static void OutboxDeadLettered(string messageType) =>
        DeadLettered.Add(1, new KeyValuePair<string, object?>(Tags.MessageType, messageType));

    public static void RetentionDeleted(int jobs) => JobsDeleted.Add(jobs);

    public static void RetentionDeletedDeadLetters(int deadLetters) => DeadLettersDeleted.Add(deadLetters);

    public static void TimerFired(TimeSpan lag) => TimerLag.Record(Math.Max(0, lag.TotalSeconds));

    public static void DatabaseError(string operation) =>
        DatabaseErrors.Add(1, new KeyValuePair<string, object?>(Tags.Operation, operation));

    public static void GroupCommitted(int writes) => GroupCommitWrites.Record(writes);

    public static void GroupRead(int jobs) => GroupReadJobs.Record(jobs);

    /// <summary>One phase of one message on the job path (see the histogram's description for the phases).</summary>
    public static void MessagePhase(string phase, TimeSpan elapsed, string workflow)
    {
        if (PhaseDuration.Enabled)
        {
            PhaseDuration.Record(elapsed.TotalSeconds,
                new KeyValuePair<string, object?>(Tags.Phase, phase),
                new KeyValuePair<string, object?>(Tags.Workflow, workflow));
        }
    }

    public static void BrokerError(string operation) =>
        BrokerErrors.Add(1, new KeyValuePair<string, object?>(Tags.Operation, operation));
}
