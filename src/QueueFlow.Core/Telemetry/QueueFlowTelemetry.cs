using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace QueueFlow.Core.Telemetry;

/// <summary>
/// QueueFlow's own activity source and meter, both named <see cref="Name"/>. Static, as the OpenTelemetry
/// guidance has it: an instrument nobody listens to costs a branch, so the hot path pays nothing when
/// telemetry is off.
/// </summary>
public static class QueueFlowTelemetry
{
    public const string Name = "QueueFlow";

    public static ActivitySource ActivitySource { get; } = new(Name, typeof(QueueFlowTelemetry).Assembly.GetName().Version?.ToString());

    public static Meter Meter { get; } = new(Name, typeof(QueueFlowTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Span names, kept here so the README and the code name the same spans.</summary>
    public static class Spans
    {
        /// <summary>One command applied to one job: load, rules, commit (an Internal span under MassTransit's consume span).</summary>
        public const string ApplyCommand = "queueflow.command.apply";

        /// <summary>One outbox relay pass that found rows.</summary>
        public const string RelayPass = "queueflow.outbox.relay";

        /// <summary>One outbox row sent, parented by the span that committed the row.</summary>
        public const string RelaySend = "queueflow.outbox.send";

        /// <summary>One timer fired by the scheduler, parented by the span that scheduled it.</summary>
        public const string TimerFire = "queueflow.timer.fire";
    }

    /// <summary>Attribute names on QueueFlow's spans and metrics.</summary>
    public static class Tags
    {
        public const string JobId = "queueflow.job.id";
        public const string TaskId = "queueflow.task.id";
        public const string Attempt = "queueflow.task.attempt";
        public const string Workflow = "queueflow.workflow";
        public const string Command = "queueflow.command";
        public const string Outcome = "queueflow.outcome";
        public const string Status = "queueflow.status";
        public const string MessageType = "queueflow.message.type";
        public const string Operation = "queueflow.operation";
        public const string Phase = "queueflow.phase";
    }
}
