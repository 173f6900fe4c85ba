using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using QueueFlow.Core.Workflows;

namespace QueueFlow.Persistence.Workflows;

/// <summary>
/// Workflow definitions in <c>queueflow.workflow_definitions</c>. Registered versions never change, so
/// parsed definitions are cached for the life of the process; only "which version is newest" is asked
/// of the database every time, because another instance may have registered one. Lookups go through
/// <paramref name="lookups"/>, a pool of their own, since a StartJob's command already holds one of the main pool's.
/// </summary>
public sealed class PostgresWorkflowCatalog(IDbContextFactory<QueueFlowDbContext> dbFactory, WorkflowLookupContexts lookups, TimeProvider clock) : IWorkflowCatalog
{
    private readonly ConcurrentDictionary<(string Name, int Version), WorkflowDefinition> _definitions = new();

    public async Task<WorkflowDefinition?> FindAsync(string name, int? version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (version is int wanted && _definitions.TryGetValue((name, wanted), out var cached))
            return cached;

        var db = await lookups.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var definitions = db.WorkflowDefinitions.AsNoTracking().Where(w => w.Name == name);
            var resolved = version ?? await definitions
                .OrderByDescending(w => w.Version)
                .Select(w => (int?)w.Version)
                .FirstOrDefaultAsync(cancellationToken)
                .ConfigureAwait(false);
            if (resolved is not int found)
                return null;
            if (_definitions.TryGetValue((name, found), out cached))
                return cached;

            var document = await definitions
                .Where(w => w.Version == found)
                .Select(w => w.Document)
                .SingleOrDefaultAsync(cancellationToken)
                .ConfigureAwait(false);
            return document is null ? null : Remember(name, found, Parse(name, found, document));
        }
    }

    public async Task<WorkflowRegistrationResult> RegisterAsync(WorkflowDefinition definition, string document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(document);
        var name = definition.Name;
        var submitted = WorkflowDocuments.Parse(document);

        var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Registrations of one name take turns, so "newest + 1" and "same document?" are decided on settled rows.
                await db.Database
                    .ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"queueflow.workflow:" + name}, 0))", cancellationToken)
                    .ConfigureAwait(false);

                var stored = definition.Version is int asked
                    ? await db.WorkflowDefinitions.SingleOrDefaultAsync(w => w.Name == name && w.Version == asked, cancellationToken).ConfigureAwait(false)
                    : await db.WorkflowDefinitions.Where(w => w.Name == name).OrderByDescending(w => w.Version)
                        .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);

                if (stored is not null && WorkflowDocuments.AreSame(WorkflowDocuments.Parse(stored.Document), submitted))
                {
                    Remember(name, stored.Version, definition.WithVersion(stored.Version));
                    return WorkflowRegistrationResult.Stored(name, stored.Version);
                }

                if (stored is not null && definition.Version is not null)
                {
                    return WorkflowRegistrationResult.Refused(name,
                        $"version {stored.Version} of workflow '{name}' is already registered with a different definition; " +
                        "versions are immutable: register the change without a version, or under a new one");
                }

                var version = definition.Version ?? (stored?.Version ?? 0) + 1;
                db.WorkflowDefinitions.Add(new WorkflowDefinitionRecord
                {
                    Name = name,
                    Version = version,
                    Document = WorkflowDocuments.ToStorage(submitted),
                    RegisteredAt = clock.GetUtcNow(),
                });
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

                Remember(name, version, definition.WithVersion(version));
                return WorkflowRegistrationResult.Stored(name, version);
            }
        }
    }

    private WorkflowDefinition Remember(string name, int version, WorkflowDefinition definition) =>
        _definitions.GetOrAdd((name, version), definition);

    private static WorkflowDefinition Parse(string name, int version, string document)
    {
        var parsed = WorkflowParser.Parse(document);
        return parsed.Definition?.WithVersion(version) ?? throw new InvalidOperationException(
            $"Stored workflow '{name}' version {version} no longer parses: {string.Join("; ", parsed.Errors)}");
    }
}
