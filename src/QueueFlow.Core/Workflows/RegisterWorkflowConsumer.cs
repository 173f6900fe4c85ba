using MassTransit;
using QueueFlow.Contracts;

namespace QueueFlow.Core.Workflows;

/// <summary>Validates and stores a workflow definition sent over the bus, answering with every error at once.</summary>
public sealed class RegisterWorkflowConsumer(IWorkflowCatalog catalog) : IConsumer<RegisterWorkflow>
{
    public async Task Consume(ConsumeContext<RegisterWorkflow> context)
    {
        var document = context.Message.Definition.GetRawText();
        var parsed = WorkflowParser.Parse(document);
        var result = parsed.Definition is { } definition
            ? await catalog.RegisterAsync(definition, document, context.CancellationToken).ConfigureAwait(false)
            : new WorkflowRegistrationResult(string.Empty, null, parsed.Errors);

        var answer = new WorkflowRegistration
        {
            Accepted = result.Accepted,
            Name = result.Name.Length > 0 ? result.Name : null,
            Version = result.Version,
            Errors = result.Errors,
        };

        if (context.ResponseAddress is not null)
            await context.RespondAsync(answer).ConfigureAwait(false);
        else
            await context.Publish(answer, context.CancellationToken).ConfigureAwait(false);
    }
}
