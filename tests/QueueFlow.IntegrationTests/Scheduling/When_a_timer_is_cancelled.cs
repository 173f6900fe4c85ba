using Npgsql;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Scheduling;

public sealed class When_a_timer_is_cancelled
{
    [Fact]
    public async Task Should_never_send_it()
    {
        var name = QueueFlowFixture.Unique("timers-cancel");
        await using var deliveries = await TimerDeliveries.ListenAsync(name);
        await using var host = await TimerHost.StartAsync(name);

        var now = DateTimeOffset.UtcNow;
        await host.Timers.ScheduleAsync($"{name}/cancelled", now.AddSeconds(1.5), deliveries.Destination, TimerDeliveries.Message("cancelled"), CancellationToken.None);
        await host.Timers.ScheduleAsync($"{name}/control", now.AddSeconds(2.5), deliveries.Destination, TimerDeliveries.Message("control"), CancellationToken.None);
        await host.Timers.CancelAsync($"{name}/cancelled", CancellationToken.None);
        Assert.Equal(0, await QuartzRows.RowsOfAsync(name, $"{name}/cancelled"));

        await deliveries.WaitForAsync("control");
        Assert.Equal(0, deliveries.CountOf("cancelled"));
    }

    [Fact]
    public async Task Should_ignore_a_key_it_does_not_know_or_that_already_fired()
    {
        var name = QueueFlowFixture.Unique("timers-cancel-unknown");
        await using var deliveries = await TimerDeliveries.ListenAsync(name);
        await using var host = await TimerHost.StartAsync(name);

        await host.Timers.CancelAsync($"{name}/never-scheduled", CancellationToken.None);

        await host.Timers.ScheduleAsync($"{name}/fired", DateTimeOffset.UtcNow, deliveries.Destination, TimerDeliveries.Message("fired"), CancellationToken.None);
        await deliveries.WaitForAsync("fired");
        await Eventually.Until(() => QuartzRows.RowsOfAsync(name, $"{name}/fired"), n => n == 0, "the fired timer's rows to be gone");
        await host.Timers.CancelAsync($"{name}/fired", CancellationToken.None);
        Assert.Equal(1, deliveries.CountOf("fired"));
    }

    [Fact]
    public async Task Should_count_a_timer_that_fires_while_it_is_being_cancelled_as_cancelled()
    {
        var name = QueueFlowFixture.Unique("timers-cancel-race");
        var key = $"{name}/racing";
        await using var deliveries = await TimerDeliveries.ListenAsync(name);
        await using var host = await TimerHost.StartAsync(name);
        await host.Timers.ScheduleAsync(key, DateTimeOffset.UtcNow.AddHours(1), deliveries.Destination, TimerDeliveries.Message("racing"), CancellationToken.None);

        // The race, held still: this connection takes the store's trigger lock, so the cancel waits for it; while it
        // waits, the timer's rows go as a fire that completed would remove them, and the lock is let go.
        await using var store = new NpgsqlConnection(TestSettings.ConnectionString);
        await store.OpenAsync();
        await using var transaction = await store.BeginTransactionAsync();
        await ExecuteAsync(store, """
            INSERT INTO quartz.qrtz_locks (sched_name, lock_name) VALUES (@s, 'TRIGGER_ACCESS') ON CONFLICT DO NOTHING;
            SELECT 1 FROM quartz.qrtz_locks WHERE sched_name = @s AND lock_name = 'TRIGGER_ACCESS' FOR UPDATE;
            """, name, key);
        var cancel = host.Timers.CancelAsync(key, CancellationToken.None);
        await Eventually.Until(() => BlockedByAsync(store), blocked => blocked > 0 || cancel.IsCompleted, "the cancel to wait for the trigger lock");
        Assert.False(cancel.IsCompleted, "the cancel waits for the store's trigger lock");
        await ExecuteAsync(store, """
            DELETE FROM quartz.qrtz_simple_triggers WHERE sched_name = @s AND trigger_name = @k;
            DELETE FROM quartz.qrtz_triggers WHERE sched_name = @s AND trigger_name = @k;
            DELETE FROM quartz.qrtz_job_details WHERE sched_name = @s AND job_name = @k;
            """, name, key);
        await transaction.CommitAsync();

        await cancel.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, await QuartzRows.RowsOfAsync(name, key));
    }

    static async Task ExecuteAsync(NpgsqlConnection connection, string sql, string schedulerName, string key)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("s", schedulerName);
        command.Parameters.AddWithValue("k", key);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Sessions waiting for a lock this connection holds.</summary>
    static async Task<long> BlockedByAsync(NpgsqlConnection holder)
    {
        await using var probe = new NpgsqlConnection(TestSettings.ConnectionString);
        await probe.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE @pid = ANY(pg_blocking_pids(pid))", probe);
        command.Parameters.AddWithValue("pid", holder.ProcessID);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
