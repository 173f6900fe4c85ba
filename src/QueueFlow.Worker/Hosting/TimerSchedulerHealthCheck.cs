using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace QueueFlow.Worker.Hosting;

/// <summary>The timer scheduler is running: started, not in standby, not shut down. Reads its state, no database call.</summary>
public sealed class TimerSchedulerHealthCheck(ISchedulerFactory schedulers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
        var status = await scheduler.GetStatus(cancellationToken).ConfigureAwait(false);
        return status == SchedulerStatus.Running
            ? HealthCheckResult.Healthy($"the timer scheduler {scheduler.SchedulerName} runs")
            : HealthCheckResult.Unhealthy($"the timer scheduler {scheduler.SchedulerName} is {status}, not Running");
    }
}
