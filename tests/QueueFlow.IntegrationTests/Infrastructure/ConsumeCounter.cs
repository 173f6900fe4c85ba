using MassTransit;

namespace QueueFlow.IntegrationTests.Infrastructure;

/// <summary>Counts the messages of one type a worker instance consumed, to show the work was shared.</summary>
public sealed class ConsumeCounter<TMessage> : IConsumeObserver
    where TMessage : class
{
    int _count;

    public int Count => Volatile.Read(ref _count);

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class
    {
        if (typeof(T) == typeof(TMessage))
            Interlocked.Increment(ref _count);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;
}
