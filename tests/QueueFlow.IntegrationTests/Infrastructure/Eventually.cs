namespace QueueFlow.IntegrationTests.Infrastructure;

/// <summary>Awaits a state that arrives asynchronously, checking often and giving up after a bound.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var last = await probe();
        while (!done(last))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting for {what}; last seen: {last}");
            await Task.Delay(25);
            last = await probe();
        }

        return last;
    }
}
