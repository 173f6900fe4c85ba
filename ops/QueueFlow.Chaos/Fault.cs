namespace QueueFlow.Chaos;

/// <summary>One scheduled fault: when (from the run's start), what, which worker, and how long things stay down.</summary>
internal sealed record Fault(TimeSpan At, FaultKind Kind, int Slot, TimeSpan Pause)
{
    public override string ToString() => $"+{At.TotalSeconds:0}s {Kind}" + Kind switch
    {
        FaultKind.WorkerKill => $" worker{Slot + 1}, back after {Pause.TotalSeconds:0.0}s",
        FaultKind.AllWorkersDown or FaultKind.RabbitStopApp or FaultKind.RabbitKill => $", back after {Pause.TotalSeconds:0.0}s",
        _ => string.Empty,
    };
}
