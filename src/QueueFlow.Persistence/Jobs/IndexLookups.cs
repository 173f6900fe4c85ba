namespace QueueFlow.Persistence.Jobs;

/// <summary>
/// Keeps a message's key lookups on their indexes. The outbox holds only the rows of messages in flight, so its
/// statistics say it is all but empty, and a plan made from them (a prepared statement's generic plan, kept for the
/// connection's life) scans the table instead: every page of it, including the rows deleted since the last vacuum,
/// which under load are thousands (in bench runs, 25,000 to 45,000 scans of the outbox per 20,000 completions once the
/// table had been analyzed). An index lookup costs about the same at any size, so the message path asks for it.
/// </summary>
internal static class IndexLookups
{
    /// <summary>
    /// A select-list call that turns sequential scans off for the rest of the statement's transaction only (an
    /// implicit one ends with its batch), so the pooled connection's next user plans as it always did.
    /// </summary>
    public const string ForThisTransaction = "set_config('enable_seqscan', 'off', true)";
}
