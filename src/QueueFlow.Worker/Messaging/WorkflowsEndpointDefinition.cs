using MassTransit;
using Microsoft.Extensions.Options;
using QueueFlow.Core.Workflows;

namespace QueueFlow.Worker.Messaging;

/// <summary>RegisterWorkflow's own queue (<see cref="EndpointOptions.WorkflowsQueue"/>, after the deployment's prefix).</summary>
public sealed class WorkflowsEndpointDefinition : ConsumerDefinition<RegisterWorkflowConsumer>
{
    public WorkflowsEndpointDefinition(IOptions<EndpointOptions> options) => EndpointName = options.Value.Name(options.Value.WorkflowsQueue);

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<RegisterWorkflowConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.ApplyQueueFlowConventions();
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Ignore<System.Text.Json.JsonException>();
            r.Intervals(100, 500, 1000);
        });
    }
}
