using MassTransit;
using QueueFlow.Contracts;

namespace QueueFlow.IntegrationTests.Scheduling;

/// <summary>
/// A send observer on the bus that holds the first sends of one timer label as a send whose confirmation
/// never comes would: it waits on the send's own token (at most a minute, so a test that fails still ends).
/// </summary>
public sealed class HangingSends(string label, FailingSends hangs) : ISendObserver
{
    static readonly TimeSpan Longest = TimeSpan.FromMinutes(1);

    public async Task PreSend<T>(SendContext<T> context)
        where T : class
    {
        if (context.Message is StartJob { Workflow: var workflow } && workflow == label && hangs.Fail())
            await Task.Delay(Longest, context.CancellationToken);
    }

    public Task PostSend<T>(SendContext<T> context)
        where T : class => Task.CompletedTask;

    public Task SendFault<T>(SendContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;
}
