using Npgsql;

namespace QueueFlow.Bench.Driving;

/// <summary>
/// What PostgreSQL wrote, read before and after the measured run: WAL bytes (by the insert position, exact), WAL
/// records and full-page images (pg_stat_wal), and the transactions that wrote (transaction ids handed out, read
/// from the next id to be assigned; a read-only statement takes none). Divided by the completions, they say how much
/// work one completion gives PostgreSQL in figures a noisy machine does not move. pg_stat_wal lags a backend's last
/// second or so, and all of it is server-wide: anything else writing meanwhile is counted.
/// </summary>
internal sealed record WalVolume(long Bytes, long Records, long FullPageImages, long WritingTransactions)
{
    public static async Task<WalVolume?> ReadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint, w.wal_records, w.wal_fpi,
                   pg_snapshot_xmax(pg_current_snapshot())::text::bigint
            FROM pg_stat_wal AS w
            """);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? new WalVolume(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3))
                : null;
        }
        catch (PostgresException)
        {
            // A role that may not read the server's statistics: the report says "not measured".
            return null;
        }
    }

    public static WalVolume operator -(WalVolume after, WalVolume before) =>
        new(after.Bytes - before.Bytes, after.Records - before.Records, after.FullPageImages - before.FullPageImages,
            after.WritingTransactions - before.WritingTransactions);
}
