namespace QueueFlow.Bench.Reporting;

/// <summary>
/// CPU by process over a window: what decides the rate on a machine whose cores every process shares, and a
/// figure that travels between machines better than a rate. The servers' shares include anything else using
/// them at the time (read the load average beside it).
/// </summary>
internal sealed record CpuSplit(TimeSpan Workers, TimeSpan Driver, TimeSpan PostgreSql, TimeSpan RabbitMq)
{
    public TimeSpan Total => Workers + Driver + PostgreSql + RabbitMq;

    public static CpuSplit Read(TimeSpan workers, TimeSpan driver) =>
        new(workers, driver, ServiceCpu.PostgreSql(), ServiceCpu.RabbitMq());

    public static CpuSplit operator -(CpuSplit after, CpuSplit before)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(before);
        return new(after.Workers - before.Workers, after.Driver - before.Driver,
            after.PostgreSql - before.PostgreSql, after.RabbitMq - before.RabbitMq);
    }
}
