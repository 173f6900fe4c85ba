using Npgsql;
using QueueFlow.Core.Workflows;

namespace QueueFlow.IntegrationTests.Hosting;

/// <summary>
/// The real catalog behind a database that refuses the first registrations as PostgreSQL does while it starts
/// or recovers (SQLSTATE <paramref name="sqlState"/>, 57P03 "the database system is not yet accepting connections").
/// </summary>
public sealed class NotReadyCatalog(IWorkflowCatalog inner, int refusals, string sqlState = "57P03") : IWorkflowCatalog
{
    int _remaining = refusals;
    int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    public Task<WorkflowDefinition?> FindAsync(string name, int? version, CancellationToken cancellationToken) => inner.FindAsync(name, version, cancellationToken);

    public Task<WorkflowRegistrationResult> RegisterAsync(WorkflowDefinition definition, string document, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        return Interlocked.Decrement(ref _remaining) >= 0
            ? Task.FromException<WorkflowRegistrationResult>(new PostgresException("the database system is not yet accepting connections (simulated)", "FATAL", "FATAL", sqlState))
            : inner.RegisterAsync(definition, document, cancellationToken);
    }
}
