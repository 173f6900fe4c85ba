namespace QueueFlow.Api.DeadLetters;

/// <summary>For a host with no broker to ask (the API alone): no other destination can be checked, so none is taken.</summary>
internal sealed class NoReplayDestinationCheck : IReplayDestinationCheck
{
    public Task<ReplayDestinationVerdict> CheckAsync(string destination, CancellationToken cancellationToken) =>
        Task.FromResult(ReplayDestinationVerdict.Unreadable);
}
