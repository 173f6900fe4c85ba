using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace QueueFlow.Bench.Driving;

/// <summary>
/// Registers the bench's workflow with a plain-JSON RegisterWorkflow request on the bench's workflows
/// queue, the answer coming back on a reply queue named in <c>MT-Response-Address</c>.
/// </summary>
internal sealed class WorkflowRegistrar(BenchBroker broker, string workflowsQueue)
{
    /// <summary><paramref name="length"/> tasks one after another, all on <paramref name="queue"/>.</summary>
    public static string Chain(string name, string queue, int length)
    {
        var tasks = Enumerable.Range(1, length).Select(i => new { id = $"t{i}", queue });
        var transitions = Enumerable.Range(0, length + 1).Select(i => new
        {
            from = i == 0 ? "workflow_start" : $"t{i}",
            to = i == length ? "workflow_end" : $"t{i + 1}",
        });
        return JsonSerializer.Serialize(new { name, tasks, transitions });
    }

    /// <summary>Returns the registered version; throws with QueueFlow's errors when it refused.</summary>
    public async Task<int> RegisterAsync(string definition, string replyQueue, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var channel = await broker.Connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await using (channel)
        {
            // Declared as MassTransit declares a send endpoint's queue, so its reply finds it compatible.
            await channel.QueueDeclareAsync(replyQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
            var reply = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) =>
            {
                reply.TrySetResult(System.Text.Encoding.UTF8.GetString(delivery.Body.Span));
                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(replyQueue, autoAck: true, consumer, cancellationToken);

            var request = $$"""{ "definition": {{definition}} }""";
            await broker.SendAsync(workflowsQueue, "RegisterWorkflow", request, cancellationToken, new Dictionary<string, object?>
            {
                ["RequestId"] = Guid.NewGuid().ToString(),
                ["MT-Response-Address"] = $"queue:{replyQueue}",
            });

            string answer;
            try
            {
                answer = await reply.Task.WaitAsync(timeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw new InvalidOperationException($"no WorkflowRegistration answer on '{replyQueue}' within {timeout.TotalSeconds:0}s");
            }

            using var registration = JsonDocument.Parse(answer);
            var root = registration.RootElement;
            if (root.TryGetProperty("accepted", out var accepted) && accepted.GetBoolean())
                return root.GetProperty("version").GetInt32();

            // A consumer that threw answers with MassTransit's Fault: its first exception says what broke.
            if (root.TryGetProperty("exceptions", out var exceptions) && exceptions.GetArrayLength() > 0)
            {
                var first = exceptions[0];
                throw new InvalidOperationException(
                    $"QueueFlow's RegisterWorkflow consumer faulted: {first.GetProperty("exceptionType").GetString()}: {first.GetProperty("message").GetString()}");
            }

            throw new InvalidOperationException($"QueueFlow refused the bench workflow: {answer}");
        }
    }
}
