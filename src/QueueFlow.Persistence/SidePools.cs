using Npgsql;

namespace QueueFlow.Persistence;

/// <summary>
/// Connection strings for the process's pools besides the handlers' one. Each job command holds a connection of
/// the handlers' pool while it runs; anything it needs on the way that opens a connection of its own (a StartJob's
/// workflow lookup, a timer's hand-over to Quartz) must come from another pool, or commands holding every connection
/// would each wait for one more until the pool's timeout. Npgsql keeps one pool per distinct connection string, so a
/// side pool is the same string under another Application Name, which also tells its sessions apart in
/// <c>pg_stat_activity</c>.
/// </summary>
public static class SidePools
{
    /// <summary>The workflow catalog's lookups: one short read each, so a few connections serve a burst of StartJobs.</summary>
    internal const int LookupConnections = 4;

    /// <summary>
    /// <paramref name="connectionString"/> as a pool of its own named <paramref name="purpose"/>, with at most
    /// <paramref name="maxConnections"/> connections when given (else what the string says) and no minimum kept open:
    /// a side pool opens what it is asked for, and a caller's Minimum Pool Size above its maximum would refuse to open.
    /// </summary>
    public static string For(string connectionString, string purpose, int? maxConnections = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        settings.ApplicationName = $"{(string.IsNullOrWhiteSpace(settings.ApplicationName) ? "QueueFlow" : settings.ApplicationName)} ({purpose})";
        settings.MinPoolSize = 0;
        if (maxConnections is int max)
            settings.MaxPoolSize = max;
        return settings.ConnectionString;
    }
}
