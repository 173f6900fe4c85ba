namespace QueueFlow.Chaos;

/// <summary>
/// One line of the ledger. <see cref="MustBeZero"/> lines fail the run when they are not; <see cref="Backlog"/>
/// lines count work a run that did not settle had not done yet (still queued, not lost), which must be zero
/// once it settles. <see cref="Examples"/> names a few of the jobs or attempts counted, to look them up.
/// </summary>
internal sealed record LedgerLine(string Section, string What, long Count, bool MustBeZero = false, bool Backlog = false, IReadOnlyList<Guid>? Examples = null)
{
    public bool Failed => MustBeZero && Count != 0;
}
