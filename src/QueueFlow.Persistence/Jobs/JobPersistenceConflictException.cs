namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// Another instance changed or created the same job first (duplicate key, deadlock, serialization
/// failure, stale row version). Nothing of the attempt was committed: redeliver the message and it
/// is applied to the job as the winner left it.
/// </summary>
public sealed class JobPersistenceConflictException : Exception
{
    public JobPersistenceConflictException()
    {
    }

    public JobPersistenceConflictException(string message)
        : base(message)
    {
    }

    public JobPersistenceConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public JobPersistenceConflictException(Guid jobId, Exception innerException)
        : base($"Job {jobId} was changed concurrently; the message must be applied again.", innerException)
    {
        JobId = jobId;
    }

    public Guid? JobId { get; }
}
