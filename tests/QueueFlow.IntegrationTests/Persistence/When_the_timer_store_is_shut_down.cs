using System.Text.Json;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QueueFlow.Contracts;
using QueueFlow.Core.Scheduling;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.IntegrationTests.Scheduling;
using QueueFlow.Persistence.Outbox;
using QueueFlow.Scheduling;
using Quartz;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>
/// Found by ops/chaos: a worker stopping gracefully shuts its Quartz scheduler down while its outbox relay
/// still runs, so every timer row it handed over failed, counted an attempt, and after ten in a few seconds
/// was dead-lettered: the timeout it carried never fired and its job hung. A timer store that cannot take
/// requests is now an outage: the row waits, uncounted, for the next instance.
/// </summary>
[Collection(PersistenceCollectionDefinition.Name)]
public sealed class When_the_timer_store_is_shut_down(PersistenceFixture fixture)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Should_keep_the_timer_row_uncounted_and_hand_it_to_the_next_instance()
    {
        var scheduler = QueueFlowFixture.Unique("timers-shutdown");
        var jobId = Guid.NewGuid();
        var key = $"{scheduler}/{jobId:N}/left/timeout";
        var timeout = new TimeOutTaskAttempt { JobId = jobId, TaskId = "left", AttemptId = Guid.NewGuid(), Timeout = "startToClose" };
        var row = new OutboxMessage
        {
            MessageId = Guid.NewGuid(),
            JobId = jobId,
            MessageType = typeof(TimeOutTaskAttempt).FullName!,
            Destination = TimerRequest.Schedule(key, DateTimeOffset.UtcNow.AddHours(1)),
            Body = JsonSerializer.Serialize(timeout, Json),
            CreatedAt = DateTimeOffset.UtcNow,
        };

        try
        {
            await using (var stopping = Instance(scheduler))
            {
                await stopping.StartTestHarness();

                // The stopping host's scheduler is gone, its relay is not.
                await (await stopping.GetRequiredService<ISchedulerFactory>().GetScheduler()).Shutdown(waitForJobsToComplete: false);
                await using (var db = fixture.CreateDbContext())
                {
                    db.Outbox.Add(row);
                    await db.SaveChangesAsync();
                }

                // A refused hand-over leaves the row there, uncounted (before, it counted an attempt and a stopping
                // instance reached MaxAttempts in seconds), and never dead-lettered.
                var counting = stopping.GetRequiredService<CountingTimerScheduler>();
                await PersistenceFixture.Eventually(() => Task.FromResult(counting.Calls), calls => calls >= 1, "a hand-over refused by the shut-down scheduler");
                await PersistenceFixture.Eventually(LastErrorAsync, error => error is not null, "the refusal recorded on the row");
                await using var check = fixture.CreateDbContext();
                var left = await check.Outbox.AsNoTracking().SingleAsync(m => m.MessageId == row.MessageId);
                Assert.Equal(0, left.Attempts);
                Assert.Contains(nameof(TimerStoreUnavailableException), left.LastError, StringComparison.Ordinal);
                Assert.False(await check.DeadLetters.AnyAsync(d => d.MessageId == row.MessageId));
            }

            // The next instance's scheduler takes it: the timer is stored and the row is gone.
            await using var next = Instance(scheduler);
            await next.StartTestHarness();
            await PersistenceFixture.Eventually(() => QuartzRows.StoredRowsOfAsync(scheduler, key), rows => rows == 2, "the timer stored by the next instance");
            await PersistenceFixture.Eventually(OutboxRowsAsync, rows => rows == 0, "the timer row handed over");
        }
        finally
        {
            await using var db = fixture.CreateDbContext();
            await db.Outbox.Where(m => m.JobId == jobId).ExecuteDeleteAsync();
            await db.DeadLetters.Where(m => m.JobId == jobId).ExecuteDeleteAsync();
        }

        async Task<string?> LastErrorAsync()
        {
            await using var db = fixture.CreateDbContext();
            return await db.Outbox.Where(m => m.MessageId == row.MessageId).Select(m => m.LastError).SingleOrDefaultAsync();
        }

        async Task<int> OutboxRowsAsync()
        {
            await using var db = fixture.CreateDbContext();
            return await db.Outbox.CountAsync(m => m.JobId == jobId);
        }
    }

    /// <summary>A relay and a real Quartz timer store on the test database, as one worker instance has them.</summary>
    private ServiceProvider Instance(string scheduler) => fixture.BuildRelayHarness(
        configureRelay: relay =>
        {
            relay.MaxAttempts = 2;
            relay.MaxBackoff = TimeSpan.FromMilliseconds(400);
        },
        configureServices: services =>
        {
            services.AddQueueFlowScheduling(fixture.ConnectionString, o => o.SchedulerName = scheduler);

            // The harness has no host to start and stop Quartz's hosted service with; the scheduler stores
            // timers without being started, which is all the relay needs of it here.
            services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(QuartzHostedService)));
            services.AddSingleton(sp => new CountingTimerScheduler(ActivatorUtilities.CreateInstance<QuartzTimerScheduler>(sp)));
            services.AddSingleton<ITimerScheduler>(sp => sp.GetRequiredService<CountingTimerScheduler>());
        });
}
