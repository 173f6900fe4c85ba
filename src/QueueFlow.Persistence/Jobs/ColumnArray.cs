using Npgsql;
using NpgsqlTypes;

namespace QueueFlow.Persistence.Jobs;

/// <summary>A column's values for many rows as one array parameter, for the statements that unnest them into rows.</summary>
internal static class ColumnArray
{
    public static NpgsqlParameter Of<T>(T[] values, NpgsqlDbType elementType) =>
        new() { Value = values, NpgsqlDbType = NpgsqlDbType.Array | elementType };
}
