namespace QueueFlow.Core.Adapters;

/// <summary>
/// One reason a seed system's request cannot become a QueueFlow command: <see cref="Field"/> is the
/// request's own JSON path (e.g. <c>state.type</c>) so the caller can find it in what it sent.
/// </summary>
public sealed record AdapterError(string Field, string Message);
