using System.Collections.Concurrent;
using QueueFlow.Core.Workflows;

namespace QueueFlow.UnitTests;

/// <summary>A catalog for rule tests only; the real one is PostgreSQL's.</summary>
internal sealed class InMemoryWorkflowCatalog : IWorkflowCatalog
{
    readonly ConcurrentDictionary<(string, int), WorkflowDefinition> _definitions = new();

    public InMemoryWorkflowCatalog(params string[] documents)
    {
        foreach (var document in documents)
        {
            var definition = TestWorkflows.Parse(document);
            _definitions[(definition.Name, definition.Version ?? 1)] = definition;
        }
    }

    public Task<WorkflowDefinition?> FindAsync(string name, int? version, CancellationToken cancellationToken) =>
        Task.FromResult(_definitions.Where(d => d.Key.Item1 == name && (version is null || d.Key.Item2 == version))
            .OrderByDescending(d => d.Key.Item2).Select(d => d.Value).FirstOrDefault());

    public Task<WorkflowRegistrationResult> RegisterAsync(WorkflowDefinition definition, string document, CancellationToken cancellationToken)
    {
        var version = definition.Version ?? 1;
        _definitions[(definition.Name, version)] = definition.WithVersion(version);
        return Task.FromResult(WorkflowRegistrationResult.Stored(definition.Name, version));
    }
}
