using Hangfire.States;
using Hangfire.Storage;

namespace QueueFlow.Bench.Peer;

/// <summary>Reports a chain's end when its last step is moved to Succeeded, so the peer's run ends where QueueFlow's does: at the last completion recorded.</summary>
internal sealed class HangfireChainEnd : IApplyStateFilter
{
    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        if (context.NewState is SucceededState && context.BackgroundJob.Job?.Args is [Guid chain, int step, int steps, _] && step == steps)
            HangfireServer.Report($"done {chain}");
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }
}
