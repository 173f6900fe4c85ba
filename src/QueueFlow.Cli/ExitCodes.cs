namespace QueueFlow.Cli;

/// <summary>What the process's exit code says happened, so scripts can branch on it.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The request went through, but some items were not done (refused, still malformed, timed out).</summary>
    public const int Partial = 1;

    /// <summary>Bad usage or input: a missing option, an invalid file, a 400 from the server.</summary>
    public const int Invalid = 2;

    /// <summary>The job, task or dead letter does not exist (404).</summary>
    public const int NotFound = 3;

    /// <summary>No key, a wrong key, or a key whose role may not do this (401, 403).</summary>
    public const int Unauthorized = 4;

    /// <summary>The server could not be reached or failed (5xx, timeout); nothing is known to be done.</summary>
    public const int Unavailable = 5;

    /// <summary>The change was refused by the job's state (409).</summary>
    public const int Conflict = 6;
}
