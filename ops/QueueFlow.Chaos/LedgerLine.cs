namespace QueueFlow.Chaos;

/// <summary>One line of the ledger; <see cref="MustBeZero"/> lines fail the run when they are not.</summary>
internal sealed record LedgerLine(string Section, string What, long Count, bool MustBeZero = false)
{
    public bool Failed => MustBeZero && Count != 0;
}
