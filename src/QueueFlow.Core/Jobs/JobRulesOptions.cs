namespace QueueFlow.Core.Jobs;

/// <summary>Limits the job rules enforce; bound from the <c>Jobs</c> configuration section.</summary>
public sealed class JobRulesOptions
{
    /// <summary>Largest task output (or variables) one command may carry, as UTF-8 JSON. Cognite's limit is 100 KB.</summary>
    public int MaxOutputBytes { get; set; } = 100 * 1024;

    /// <summary>How long a state proposal for a task of a paused job is told to wait before trying again.</summary>
    public int PausedWaitSeconds { get; set; } = 10;
}
