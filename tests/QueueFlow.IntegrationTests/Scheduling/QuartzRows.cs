using Npgsql;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Scheduling;

/// <summary>Reads the Quartz tables the QuartzTables migration made, to see what the job store holds.</summary>
public static class QuartzRows
{
    /// <summary>Instances of the named scheduler that have checked in to the cluster.</summary>
    public static Task<long> CheckedInAsync(string schedulerName) =>
        CountAsync("SELECT count(*) FROM quartz.qrtz_scheduler_state WHERE sched_name = @s", schedulerName);

    public static Task<long> CheckedInAsync(string schedulerName, string instanceId) =>
        CountAsync("SELECT count(*) FROM quartz.qrtz_scheduler_state WHERE sched_name = @s AND instance_name = @k", schedulerName, instanceId);

    /// <summary>
    /// The timer's job and trigger rows: 2 while it is stored, whatever the scheduler is doing with it. A
    /// trigger due within the scheduler's idle wait is already acquired (a fired-trigger row) before it fires.
    /// </summary>
    public static Task<long> StoredRowsOfAsync(string schedulerName, string key) =>
        CountAsync("""
            SELECT (SELECT count(*) FROM quartz.qrtz_job_details WHERE sched_name = @s AND job_name = @k)
                 + (SELECT count(*) FROM quartz.qrtz_triggers WHERE sched_name = @s AND trigger_name = @k)
            """, schedulerName, key);

    /// <summary>Job, trigger and fired-trigger rows left for one timer key.</summary>
    public static Task<long> RowsOfAsync(string schedulerName, string key) =>
        CountAsync("""
            SELECT (SELECT count(*) FROM quartz.qrtz_job_details WHERE sched_name = @s AND job_name = @k)
                 + (SELECT count(*) FROM quartz.qrtz_triggers WHERE sched_name = @s AND trigger_name = @k)
                 + (SELECT count(*) FROM quartz.qrtz_fired_triggers WHERE sched_name = @s AND trigger_name = @k)
            """, schedulerName, key);

    /// <summary>Job rows of every timer of the named scheduler.</summary>
    public static Task<long> JobsAsync(string schedulerName) =>
        CountAsync("SELECT count(*) FROM quartz.qrtz_job_details WHERE sched_name = @s", schedulerName);

    /// <summary>Tables in a schema, to show a scheduler pointed at a missing one created nothing.</summary>
    public static Task<long> TablesInSchemaAsync(string schema) =>
        CountAsync("SELECT count(*) FROM information_schema.tables WHERE table_schema = @s", schema);

    static async Task<long> CountAsync(string sql, string s, string? k = null)
    {
        await using var connection = new NpgsqlConnection(TestSettings.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("s", s);
        if (k is not null)
            command.Parameters.AddWithValue("k", k);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
