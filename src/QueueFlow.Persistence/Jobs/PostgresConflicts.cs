using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace QueueFlow.Persistence.Jobs;

/// <summary>Recognizes the failures that mean "someone else won the race", as opposed to defects or outages.</summary>
internal static class PostgresConflicts
{
    public static bool IsConflict(Exception exception)
    {
        if (exception is DbUpdateConcurrencyException)
            return true;

        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException postgres)
                return IsConflictState(postgres.SqlState);
        }

        return false;
    }

    public static bool IsUniqueViolation(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException postgres)
                return postgres.SqlState == PostgresErrorCodes.UniqueViolation;
        }

        return false;
    }

    private static bool IsConflictState(string sqlState) => sqlState is
        PostgresErrorCodes.UniqueViolation or
        PostgresErrorCodes.SerializationFailure or
        PostgresErrorCodes.DeadlockDetected or
        PostgresErrorCodes.LockNotAvailable;
}
