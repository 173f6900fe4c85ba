using QueueFlow.Core.Jobs;

namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// A job read under its send lock: the job with its tasks (untracked), the row version it was read at
/// (xmin, which guards the write), and whether rows of an earlier message still wait in the outbox.
/// </summary>
internal sealed record LockedJob(Job Job, uint RowVersion, bool EarlierRowsWaiting);
