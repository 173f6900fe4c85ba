using QueueFlow.Bench.Reporting;

namespace QueueFlow.Bench.Ceilings;

/// <summary>What the <see cref="StepFloor"/> measured: steps, their time and CPU, and each step's send → answer.</summary>
internal sealed record StepFloorResult(int Steps, int InFlight, int Handlers, TimeSpan Elapsed, CpuSplit Cpu, LatencySummary Latency)
{
    public double StepsPerSecond => Steps / Elapsed.TotalSeconds;

    /// <summary>CPU per step in milliseconds; <see cref="CpuSplit.Workers"/> is the bench process (stand-in and driver).</summary>
    public double MillisecondsPerStep(TimeSpan cpu) => cpu.TotalMilliseconds / Steps;
}
