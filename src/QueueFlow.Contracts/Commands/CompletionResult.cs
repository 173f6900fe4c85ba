namespace QueueFlow.Contracts;

/// <summary>The worker's verdict on its own work (Camunda's <c>result</c>).</summary>
public sealed record CompletionResult
{
    public bool Denied { get; init; }
    public string? DeniedReason { get; init; }
}
