namespace QueueFlow.Core.Adapters;

/// <summary>
/// A seed request translated to a canonical command, or every reason it could not be: all errors are
/// listed at once so a caller fixes its request in one round trip.
/// </summary>
public sealed record Translation<T>(T? Command, IReadOnlyList<AdapterError> Errors)
    where T : class
{
    public bool IsValid => Command is not null && Errors.Count == 0;
}
