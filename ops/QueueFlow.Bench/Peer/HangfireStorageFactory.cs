using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace QueueFlow.Bench.Peer;

/// <summary>The peer's storage, the same in the driver and the server: Hangfire.PostgreSql in its own database.</summary>
internal static class HangfireStorageFactory
{
    /// <summary>Where the server process finds the peer's database.</summary>
    public const string ConnectionVariable = "QUEUEFLOW_BENCH_PEER_CONNECTION_STRING";

    public static PostgreSqlStorage Create(string connectionString)
    {
        var options = new PostgreSqlStorageOptions
        {
            // LISTEN/NOTIFY wakes an idle worker at once; without it a worker that finds the queue empty sleeps
            // the whole poll interval, which would measure the poll interval rather than Hangfire.
            EnableLongPolling = true,
            PrepareSchemaIfNecessary = true,
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
    }
}
