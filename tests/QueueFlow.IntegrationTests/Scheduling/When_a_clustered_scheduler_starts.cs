using Microsoft.Extensions.DependencyInjection;
using QueueFlow.IntegrationTests.Infrastructure;
using Quartz;

namespace QueueFlow.IntegrationTests.Scheduling;

public sealed class When_a_clustered_scheduler_starts
{
    [Fact]
    public async Task Should_run_clustered_on_the_migrated_tables_and_check_in()
    {
        var name = QueueFlowFixture.Unique("timers-start");
        await using var host = await TimerHost.StartAsync(name);

        var scheduler = await host.SchedulerAsync();
        var metadata = await scheduler.GetMetadata();
        Assert.True(metadata.JobStoreClustered);
        Assert.True(metadata.JobStorePersistent);
        Assert.Equal(name, scheduler.SchedulerName);
        await Eventually.Until(() => QuartzRows.CheckedInAsync(name, scheduler.SchedulerInstanceId), n => n == 1, "the instance's check-in row");
    }

    [Fact]
    public async Task Should_refuse_to_start_without_its_tables_and_create_none()
    {
        var schema = $"quartz_absent_{TestSettings.RunId}";
        using var host = TimerHost.Build(QueueFlowFixture.Unique("timers-absent"), o => o.TablePrefix = $"{schema}.qrtz_");

        var failure = await Record.ExceptionAsync(async () =>
        {
            await host.StartAsync();
            await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        });

        Assert.NotNull(failure);
        Assert.Contains("qrtz_", failure.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await QuartzRows.TablesInSchemaAsync(schema));
    }

    [Fact]
    public async Task Should_refuse_a_timer_that_is_not_a_contract_and_store_nothing()
    {
        var name = QueueFlowFixture.Unique("timers-refuse");
        await using var host = await TimerHost.StartAsync(name);

        await Assert.ThrowsAsync<ArgumentException>(() =>
            host.Timers.ScheduleAsync("not-a-contract", DateTimeOffset.UtcNow, new Uri("queue:anywhere"), new { JobId = Guid.NewGuid() }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            host.Timers.ScheduleAsync("relative", DateTimeOffset.UtcNow, new Uri("anywhere", UriKind.Relative), TimerDeliveries.Message("x"), CancellationToken.None));
        Assert.Equal(0, await QuartzRows.JobsAsync(name));
    }
}
