using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using QueueFlow.IntegrationTests.Persistence;
using QueueFlow.Persistence;
using QueueFlow.Persistence.Workflows;
using QueueFlow.Worker.Workflows;

namespace QueueFlow.IntegrationTests.Hosting;

/// <summary>
/// Found by ops/chaos: a worker started while PostgreSQL was restarting exited at once, its workflow folder
/// unregistered ("57P03: the database system is not yet accepting connections"). It now waits for the database.
/// </summary>
[Collection(PersistenceCollectionDefinition.Name)]
public sealed class When_a_worker_starts_before_its_database_is_ready(PersistenceFixture fixture) : IDisposable
{
    readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("qf-workflows-");

    [Fact]
    public async Task Should_register_its_workflows_once_the_database_answers()
    {
        var name = $"not-ready-{Guid.NewGuid():N}";
        await File.WriteAllTextAsync(Path.Combine(_folder.FullName, "flow.json"), Document(name));
        await using var provider = Catalog(out var real);
        var catalog = new NotReadyCatalog(real, refusals: 2);

        await Loader(catalog).StartAsync(CancellationToken.None);

        Assert.Equal(3, catalog.Attempts);
        Assert.Equal(1, (await real.FindAsync(name, null, CancellationToken.None))?.Version);
    }

    [Fact]
    public async Task Should_still_stop_start_up_on_an_error_waiting_cannot_cure()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder.FullName, "flow.json"), Document($"broken-{Guid.NewGuid():N}"));
        await using var provider = Catalog(out var real);

        // 42P01: a table is missing (the migrations did not run): no wait helps.
        var catalog = new NotReadyCatalog(real, refusals: 1, sqlState: "42P01");

        await Assert.ThrowsAsync<PostgresException>(() => Loader(catalog).StartAsync(CancellationToken.None));
        Assert.Equal(1, catalog.Attempts);
    }

    public void Dispose() => _folder.Delete(recursive: true);

    WorkflowDirectoryLoader Loader(NotReadyCatalog catalog) => new(
        Options.Create(new WorkflowDirectoryOptions { Directory = _folder.FullName }), catalog, TimeProvider.System, NullLogger<WorkflowDirectoryLoader>.Instance);

    ServiceProvider Catalog(out PostgresWorkflowCatalog catalog)
    {
        var provider = new ServiceCollection().AddLogging().AddQueueFlowPersistence(fixture.ConnectionString).BuildServiceProvider();
        catalog = provider.GetRequiredService<PostgresWorkflowCatalog>();
        return provider;
    }

    static string Document(string name) => $$"""
        {
          "name": "{{name}}",
          "tasks": [ { "id": "a", "queue": "q.a" } ],
          "transitions": [ { "from": "workflow_start", "to": "a" }, { "from": "a", "to": "workflow_end" } ]
        }
        """;
}
