using System.Collections.Concurrent;
using System.Text;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;

namespace QueueFlow.IntegrationTests.Scheduling;

/// <summary>
/// A queue of the test's own that timers are sent to, watched with a plain AMQP client, as any consumer
/// of a timer's message would see it. Each timer carries a <see cref="StartJob"/> whose workflow is its label.
/// </summary>
public sealed class TimerDeliveries : IAsyncDisposable
{
    readonly RawAmqpClient _amqp;
    readonly ConcurrentQueue<TimerDelivery> _received = new();

    TimerDeliveries(RawAmqpClient amqp, string queue)
    {
        _amqp = amqp;
        Queue = queue;
    }

    public string Queue { get; }

    public Uri Destination => new($"queue:{Queue}");

    public IReadOnlyList<TimerDelivery> Received => [.. _received];

    /// <param name="queue">A name unique to the test run.</param>
    public static async Task<TimerDeliveries> ListenAsync(string queue)
    {
        var amqp = await RawAmqpClient.ConnectAsync();
        var deliveries = new TimerDeliveries(amqp, queue);
        await amqp.ConsumeAsync(deliveries.Queue, (message, headers) =>
        {
            var type = headers.TryGetValue("MT-MessageType", out var value) && value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : null;
            deliveries._received.Enqueue(new TimerDelivery(message.GetProperty("workflow").GetString()!, type, DateTimeOffset.UtcNow));
            return Task.CompletedTask;
        });
        return deliveries;
    }

    public static StartJob Message(string label) => new() { JobId = Guid.NewGuid(), Workflow = label };

    public int CountOf(string label) => Received.Count(d => d.Label == label);

    public Task<TimerDelivery> WaitForAsync(string label, TimeSpan? timeout = null) =>
        Eventually.Until(
            () => Task.FromResult(Received.FirstOrDefault(d => d.Label == label)),
            d => d is not null,
            $"timer '{label}' on {Queue} (received: {string.Join(", ", Received.Select(d => d.Label))})",
            timeout ?? TimeSpan.FromSeconds(30))!;

    public ValueTask DisposeAsync() => _amqp.DisposeAsync();
}
