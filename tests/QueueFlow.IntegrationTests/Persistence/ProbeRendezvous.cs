using System.Collections.Concurrent;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>Lets two consumers of the same job meet, so both are past "job not found" before either inserts.</summary>
internal static class ProbeRendezvous
{
    private static readonly ConcurrentDictionary<Guid, Meeting> Meetings = new();

    public static int Arrivals(Guid jobId) => Meetings.TryGetValue(jobId, out var meeting) ? meeting.Arrived : 0;

    public static async Task MeetAsync(Guid jobId)
    {
        var meeting = Meetings.GetOrAdd(jobId, _ => new Meeting());
        if (Interlocked.Increment(ref meeting.Arrived) >= 2)
            meeting.BothHere.TrySetResult();

        await meeting.BothHere.Task.WaitAsync(PersistenceFixture.Patience);
    }

    private sealed class Meeting
    {
        public readonly TaskCompletionSource BothHere = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Arrived;
    }
}
