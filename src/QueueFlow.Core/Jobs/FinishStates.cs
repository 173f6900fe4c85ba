namespace QueueFlow.Core.Jobs;

/// <summary>Finish states the rules themselves give a task.</summary>
public static class FinishStates
{
    /// <summary>The finish state of a task failed under <see cref="Workflows.FailurePolicy.ErrorTransition"/>.</summary>
    public const string Error = "error";
}
