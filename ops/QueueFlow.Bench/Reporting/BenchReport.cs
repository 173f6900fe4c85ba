using QueueFlow.Bench.Ceilings;
using QueueFlow.Bench.Driving;
using QueueFlow.Bench.Peer;

namespace QueueFlow.Bench.Reporting;

/// <summary>Everything one run measured; a part that was skipped or failed is null, failures explained in <see cref="Notes"/>.</summary>
internal sealed record BenchReport(
    MachineInfo Machine,
    BenchOptions Options,
    string Database,
    QueueFlowResult? QueueFlow,
    CeilingResult? RabbitMq,
    CeilingResult? Postgres,
    IReadOnlyList<string> Notes)
{
    /// <summary>The peer's run, when one was asked for and did not fail.</summary>
    public PeerResult? Peer { get; init; }

    /// <summary>The machine's shortest step at one message in flight (<see cref="Ceilings.HopFloor"/>), when the ceilings ran.</summary>
    public LatencySummary? HopFloor { get; init; }

    /// <summary>The machine's most steps per second at the run's concurrency (<see cref="Ceilings.StepFloor"/>), when the ceilings ran.</summary>
    public StepFloorResult? StepFloor { get; init; }

    /// <summary>Every job reached Completed, nothing was dead-lettered, nothing timed out, no service restarted.</summary>
    public bool Healthy => QueueFlow is null || (QueueFlow.Verification.AllCompleted && !QueueFlow.TimedOut && QueueFlow.DeadLettered == 0
        && !QueueFlow.WorkerLogs.ServiceRestarted && QueueFlow.DriverDisconnects == 0)
        && (Peer is null || (Peer.Succeeded == Peer.Expected && !Peer.TimedOut));
}
