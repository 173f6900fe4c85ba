using Microsoft.Extensions.DependencyInjection;
using QueueFlow.Core.Workflows;
using QueueFlow.Persistence;
using QueueFlow.Persistence.Workflows;

namespace QueueFlow.IntegrationTests.Persistence;

[Collection(PersistenceCollectionDefinition.Name)]
public sealed class PostgresWorkflowCatalogTests(PersistenceFixture fixture)
{
    [Fact]
    public async Task A_document_without_a_version_gets_1_then_the_same_version_again_then_newest_plus_1_when_changed()
    {
        var name = UniqueName();
        await using var provider = Catalog(out var catalog);

        var first = await Register(catalog, Document(name, "q.a"));
        var again = await Register(catalog, Reformatted(name, "q.a"));
        var changed = await Register(catalog, Document(name, "q.b"));

        Assert.Equal(1, first.Version);
        Assert.Equal(1, again.Version);
        Assert.Equal(2, changed.Version);
        Assert.True(changed.Accepted);
    }

    [Fact]
    public async Task An_explicit_version_is_stored_as_given_and_registering_the_same_document_returns_it()
    {
        var name = UniqueName();
        await using var provider = Catalog(out var catalog);

        var stored = await Register(catalog, Document(name, "q.a", version: 5));
        var again = await Register(catalog, Document(name, "q.a", version: 5));
        var unversioned = await Register(catalog, Document(name, "q.a"));

        Assert.Equal(5, stored.Version);
        Assert.Equal(5, again.Version);
        Assert.Equal(5, unversioned.Version);
    }

    [Fact]
    public async Task A_different_document_under_an_existing_version_is_refused()
    {
        var name = UniqueName();
        await using var provider = Catalog(out var catalog);
        await Register(catalog, Document(name, "q.a", version: 1));

        var refused = await Register(catalog, Document(name, "q.changed", version: 1));

        Assert.False(refused.Accepted);
        Assert.Null(refused.Version);
        Assert.Contains("version 1", Assert.Single(refused.Errors), StringComparison.Ordinal);
        Assert.Equal("q.a", (await catalog.FindAsync(name, 1, CancellationToken.None))!.TasksById["a"].Queue);
    }

    [Fact]
    public async Task Another_instance_finds_the_newest_or_an_exact_version_and_nothing_for_unknown_names()
    {
        var name = UniqueName();
        await using (var writer = Catalog(out var catalog))
        {
            await Register(catalog, Document(name, "q.a"));
            await Register(catalog, Document(name, "q.b"));
        }

        await using var reader = Catalog(out var fresh);

        var newest = await fresh.FindAsync(name, null, CancellationToken.None);
        var first = await fresh.FindAsync(name, 1, CancellationToken.None);
        Assert.Equal(2, newest!.Version);
        Assert.Equal("q.b", newest.TasksById["a"].Queue);
        Assert.Equal(1, first!.Version);
        Assert.Equal("q.a", first.TasksById["a"].Queue);
        Assert.Null(await fresh.FindAsync(name, 3, CancellationToken.None));
        Assert.Null(await fresh.FindAsync(UniqueName(), null, CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_document_store_it_once()
    {
        var name = UniqueName();
        await using var provider = Catalog(out var catalog);
        await using var other = Catalog(out var otherCatalog);

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Register(i % 2 == 0 ? catalog : otherCatalog, Document(name, "q.a"))));

        Assert.All(results, r => Assert.Equal(1, r.Version));
        Assert.Null(await catalog.FindAsync(name, 2, CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_registrations_of_different_documents_get_consecutive_versions_each_holding_its_own_document()
    {
        const int documents = 8;
        var name = UniqueName();
        await using var provider = Catalog(out var catalog);
        await using var other = Catalog(out var otherCatalog);

        var results = await Task.WhenAll(Enumerable.Range(0, documents).Select(i =>
            Register(i % 2 == 0 ? catalog : otherCatalog, Document(name, $"q.{i}"))));

        Assert.Equal(Enumerable.Range(1, documents), results.Select(r => r.Version!.Value).Order());
        await using var reader = Catalog(out var fresh);
        for (var i = 0; i < documents; i++)
        {
            var stored = await fresh.FindAsync(name, results[i].Version, CancellationToken.None);
            Assert.Equal($"q.{i}", stored!.TasksById["a"].Queue);
        }
    }

    private ServiceProvider Catalog(out PostgresWorkflowCatalog catalog)
    {
        var provider = new ServiceCollection().AddLogging().AddQueueFlowPersistence(fixture.ConnectionString).BuildServiceProvider();
        catalog = provider.GetRequiredService<PostgresWorkflowCatalog>();
        return provider;
    }

    private static async Task<WorkflowRegistrationResult> Register(PostgresWorkflowCatalog catalog, string document)
    {
        var parsed = WorkflowParser.Parse(document);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        return await catalog.RegisterAsync(parsed.Definition!, document, CancellationToken.None);
    }

    private static string UniqueName() => $"probe-{Guid.NewGuid():N}";

    private static string Document(string name, string queue, int? version = null) => $$"""
        {
          "name": "{{name}}",{{(version is int v ? $" \"version\": {v}," : "")}}
          "tasks": [ { "id": "a", "queue": "{{queue}}" } ],
          "transitions": [ { "from": "workflow_start", "to": "a" }, { "from": "a", "to": "workflow_end" } ]
        }
        """;

    /// <summary>The same definition as <see cref="Document"/>, with other whitespace, property order and a comment.</summary>
    private static string Reformatted(string name, string queue) => $$"""
        { "transitions": [ { "to": "a", "from": "workflow_start" }, { "to": "workflow_end", "from": "a" } ],
          // written by hand
          "tasks": [ { "queue": "{{queue}}", "id": "a" } ], "name": "{{name}}" }
        """;
}
