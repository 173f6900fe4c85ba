using System.Data.Common;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using QueueFlow.Contracts;
using QueueFlow.Core.Telemetry;
using QueueFlow.Persistence;
using QueueFlow.Scheduling;

namespace QueueFlow.Worker.Telemetry;

/// <summary>
/// The observable gauges: open jobs and tasks per status, the outbox backlog and the age of its oldest row, dead
/// letters and pending timers. A scrape reads the last snapshot, never the database; the snapshot is refreshed
/// every <see cref="TelemetryOptions.GaugeInterval"/> by one round trip of six counts (see the README for their cost).
/// </summary>
public sealed partial class GaugeSampler : BackgroundService
{
    static GaugeSnapshot? _current;

    // Open work only: finished jobs and tasks pile up for ever, and their counts are what the counters
    // (queueflow.tasks.completed, .failed) already give. Counting open rows walks only their part of the
    // (status, ...) indexes, so the cost follows the work in flight, not the table.
    static readonly string[] OpenJobStatuses = [nameof(JobStatus.Running), nameof(JobStatus.Paused)];
    static readonly string[] OpenTaskStatuses = [nameof(TaskRunStatus.Pending), nameof(TaskRunStatus.Scheduled), nameof(TaskRunStatus.Running), nameof(TaskRunStatus.Paused)];

    readonly IDbContextFactory<QueueFlowDbContext> _dbFactory;
    readonly TelemetryOptions _options;
    readonly TimerSchedulingOptions _timers;
    readonly TimeProvider _clock;
    readonly ILogger<GaugeSampler> _logger;

    static GaugeSampler()
    {
        var meter = QueueFlowTelemetry.Meter;
        meter.CreateObservableGauge("queueflow.jobs", () => PerStatus(s => s.Jobs), "{job}", "Open jobs (Running, Paused) per status, as last counted.");
        meter.CreateObservableGauge("queueflow.tasks", () => PerStatus(s => s.Tasks), "{task}", "Open tasks (Pending, Scheduled, Running, Paused) per status, as last counted.");
        meter.CreateObservableGauge("queueflow.outbox.backlog", () => Single(s => s.OutboxBacklog), "{message}", "Outbox rows waiting for the relay.");
        meter.CreateObservableGauge("queueflow.outbox.dead_letters", () => Single(s => s.DeadLetters), "{message}", "Pending rows of the dead-letter store (error queues and outbox).");
        meter.CreateObservableGauge("queueflow.timers.pending", () => Single(s => s.TimersPending), "{timer}", "Timers set and not fired yet.");
        meter.CreateObservableGauge("queueflow.outbox.oldest_age", OldestAge, "s", "Age of the oldest outbox row when last counted (0 when empty).");
    }

    public GaugeSampler(IDbContextFactory<QueueFlowDbContext> dbFactory, IOptions<TelemetryOptions> options, IOptions<TimerSchedulingOptions> timers, TimeProvider clock, ILogger<GaugeSampler> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timers);
        _dbFactory = dbFactory;
        _options = options.Value;
        _timers = timers.Value;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>Counts once now; the loop calls it every interval.</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        var db = await _dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                // The trigger table's name comes from options (a prefix such as quartz.qrtz_), not from input.
#pragma warning disable CA2100
                command.CommandText = $"""
                    SELECT 'job', status, count(*) FROM queueflow.jobs WHERE status IN ('Running', 'Paused') GROUP BY status
                    UNION ALL SELECT 'task', status, count(*) FROM queueflow.job_tasks WHERE status IN ('Pending', 'Scheduled', 'Running', 'Paused') GROUP BY status
                    UNION ALL SELECT 'outbox', NULL, count(*) FROM queueflow.outbox
                    UNION ALL SELECT 'dead', NULL, count(*) FROM queueflow.dead_letters WHERE status = 'Pending'
                    UNION ALL SELECT 'timers', NULL, count(*) FROM {_timers.TablePrefix}triggers WHERE trigger_group = 'queueflow-timers';
                    SELECT created_at FROM queueflow.outbox ORDER BY sequence LIMIT 1;
                    """;
#pragma warning restore CA2100
                // Every open status is reported, zero included, so a dashboard's series never vanish.
                var jobs = OpenJobStatuses.ToDictionary(s => s, _ => 0L, StringComparer.Ordinal);
                var tasks = OpenTaskStatuses.ToDictionary(s => s, _ => 0L, StringComparer.Ordinal);
                long outbox = 0, dead = 0, pending = 0;
                DateTimeOffset? oldest = null;
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var count = reader.GetInt64(2);
                        switch (reader.GetString(0))
                        {
                            case "job": jobs[reader.GetString(1)] = count; break;
                            case "task": tasks[reader.GetString(1)] = count; break;
                            case "outbox": outbox = count; break;
                            case "dead": dead = count; break;
                            case "timers": pending = count; break;
                        }
                    }

                    if (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false) && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        oldest = reader.GetFieldValue<DateTimeOffset>(0);
                }

                var age = oldest is { } at ? _clock.GetUtcNow() - at : TimeSpan.Zero;
                _current = new GaugeSnapshot(jobs, tasks, outbox, age > TimeSpan.Zero ? age : TimeSpan.Zero, dead, pending);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.GaugeInterval <= TimeSpan.Zero)
            return;

        using var timer = new PeriodicTimer(_options.GaugeInterval, _clock);
        do
        {
            try
            {
                await SampleAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is DbException or InvalidOperationException or TimeoutException)
            {
                // The gauges keep their last values; the health checks report the database itself.
                QueueFlowMetrics.DatabaseError("gauge-sample");
                LogSampleFailed(exception);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    static IEnumerable<Measurement<long>> PerStatus(Func<GaugeSnapshot, IReadOnlyDictionary<string, long>> select) =>
        _current is { } snapshot
            ? select(snapshot).Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>(QueueFlowTelemetry.Tags.Status, p.Key)))
            : [];

    static IEnumerable<Measurement<long>> Single(Func<GaugeSnapshot, long> select) =>
        _current is { } snapshot ? [new Measurement<long>(select(snapshot))] : [];

    static IEnumerable<Measurement<double>> OldestAge() =>
        _current is { } snapshot
            ? [new Measurement<double>(snapshot.OutboxOldestAge.TotalSeconds)]
            : [];

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Counting the gauges failed; they keep their last values")]
    private partial void LogSampleFailed(Exception exception);
}
