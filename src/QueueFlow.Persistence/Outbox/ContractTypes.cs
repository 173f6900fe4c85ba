using System.Collections.Concurrent;
using QueueFlow.Contracts;

namespace QueueFlow.Persistence.Outbox;

/// <summary>
/// Resolves an outbox row's type name. Only QueueFlow.Contracts is searched, so a row can never make the
/// relay instantiate an arbitrary type.
/// </summary>
internal static class ContractTypes
{
    private static readonly ConcurrentDictionary<string, Type?> Cache = new(StringComparer.Ordinal);

    public static Type? Find(string fullName) =>
        Cache.GetOrAdd(fullName, static name => typeof(CommandOutcome).Assembly.GetType(name, throwOnError: false));
}
