namespace QueueFlow.Core.Adapters;

/// <summary>
/// Tells the kinds of Rejected outcome apart for the seed systems' status codes. The outcome carries no
/// machine-readable cause, so these read the rules' reason texts; the adapters' unit tests run the real rules,
/// so a reworded reason fails them instead of silently changing a status code.
/// </summary>
public static class RejectionReasons
{
    /// <summary>The job, task or attempt named does not exist (JobRules.FindAttempt and the saga's unknown-job answer).</summary>
    public static bool IsUnknown(string? reason) =>
        reason is not null
        && (reason.StartsWith("unknown job ", StringComparison.Ordinal)
            || reason.Contains(" has no task '", StringComparison.Ordinal)
            || reason.Contains(" has no attempt ", StringComparison.Ordinal));

    /// <summary>
    /// The body broke a limit only the rules know (JobRules.CheckObject, CheckRetry, FinishStates.Check): the size
    /// limit, a non-object, a negative count, a finish state too long to keep.
    /// </summary>
    public static bool IsInvalid(string? reason) =>
        reason is not null
        && (reason.Contains(" must be a JSON object", StringComparison.Ordinal)
            || reason.Contains(" bytes, over the limit of ", StringComparison.Ordinal)
            || reason.Contains(" must be 0 or more", StringComparison.Ordinal)
            || reason.StartsWith("finishState is longer than ", StringComparison.Ordinal));

    /// <summary>The attempt named has ended (completed, failed, timed out, cancelled) or been superseded by a newer one (JobRules.CheckActive).</summary>
    public static bool IsStale(string? reason) =>
        reason is not null && reason.StartsWith("stale attempt", StringComparison.Ordinal);
}
