using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using QueueFlow.Persistence;

namespace QueueFlow.Worker.Hosting;

/// <summary>
/// The outbox relay is stuck when its oldest row has waited longer than <see cref="ReadinessOptions.OutboxStuckAfter"/>:
/// whatever the cause (broker down, a relay that stopped), committed messages are not going out. One indexed
/// read of the first row by sequence.
/// </summary>
public sealed class OutboxRelayHealthCheck(IDbContextFactory<QueueFlowDbContext> dbFactory, IOptions<ReadinessOptions> options, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var oldest = await db.Outbox.AsNoTracking().OrderBy(m => m.Sequence).Select(m => (DateTimeOffset?)m.CreatedAt)
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (oldest is null)
                return HealthCheckResult.Healthy("the outbox is empty");

            var waited = clock.GetUtcNow() - oldest.Value;
            var limit = options.Value.OutboxStuckAfter;
            return waited <= limit
                ? HealthCheckResult.Healthy($"the oldest outbox row has waited {waited.TotalSeconds:F0} s")
                : HealthCheckResult.Unhealthy($"the oldest outbox row has waited {waited.TotalSeconds:F0} s, longer than {limit.TotalSeconds:F0} s: the relay is stuck");
        }
    }
}
