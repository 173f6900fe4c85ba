using MassTransit;
using Microsoft.Extensions.Options;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Worker.Messaging;

/// <summary>
/// The job saga's endpoint: a quorum queue so accepted commands survive a broker node, a guard for
/// untyped plain-JSON messages, and retries for the conflicts two instances can meet on one job row.
/// </summary>
public sealed class JobSagaDefinition : SagaDefinition<Job>
{
    readonly EndpointOptions _options;

    public JobSagaDefinition(IOptions<EndpointOptions> options)
    {
        _options = options.Value;
        EndpointName = _options.Name(_options.JobsQueue);
        ConcurrentMessageLimit = _options.ConcurrentMessageLimit;
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<Job> sagaConfigurator, IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SetQuorumQueue();
            rabbit.PrefetchCount = _options.PrefetchCount;
        }

        endpointConfigurator.ApplyQueueFlowConventions();

        // Outside the retry filter: one span and one log scope per message, however many tries it takes.
        endpointConfigurator.UseConsumeFilter(typeof(Telemetry.CommandTelemetryFilter<>), context);

        // Lock waits, serialization failures and a lost race to insert the same new job are transient:
        // the next try loads the winner's row. Anything else fails the same way again, so few tries.
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Ignore<System.Text.Json.JsonException>();
            r.Exponential(8, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(50));
        });
    }
}
