namespace QueueFlow.Core.Jobs;

/// <summary>Finish states the rules themselves give a task.</summary>
public static class FinishStates
{
    /// <summary>The finish state of a task failed under <see cref="Workflows.FailurePolicy.ErrorTransition"/>.</summary>
    public const string Error = "error";

    /// <summary>The longest finish state a task can keep (its <c>finish_state</c> column), in characters.</summary>
    public const int MaxLength = 64;

    /// <summary>Why a proposed finish state cannot be kept, or null when it can.</summary>
    public static string? Check(string? finishState) =>
        finishState is { Length: > MaxLength } ? $"finishState is longer than {MaxLength} characters" : null;
}
