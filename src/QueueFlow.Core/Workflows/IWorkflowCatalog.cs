namespace QueueFlow.Core.Workflows;

/// <summary>Where registered workflow definitions live. Versions are immutable once registered.</summary>
public interface IWorkflowCatalog
{
    /// <summary>The definition of that name and version, or the newest version when <paramref name="version"/> is null.</summary>
    Task<WorkflowDefinition?> FindAsync(string name, int? version, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a validated definition. Registering the same document again returns the version it already
    /// has; a different document under an existing explicit version is refused.
    /// </summary>
    Task<WorkflowRegistrationResult> RegisterAsync(WorkflowDefinition definition, string document, CancellationToken cancellationToken);
}
