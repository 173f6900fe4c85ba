namespace QueueFlow.Core.Adapters.Prefect;

/// <summary>Prefect's SetStateStatus words.</summary>
public static class PrefectSetStateStatus
{
    public const string Accept = "ACCEPT";
    public const string Reject = "REJECT";
    public const string Abort = "ABORT";
    public const string Wait = "WAIT";
}
