namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>
/// The persistence tests share one database and the outbox table, so they run one after another:
/// a relay started by one test must not take the rows another test is asserting on.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PersistenceCollectionDefinition : ICollectionFixture<PersistenceFixture>
{
    public const string Name = "Persistence";
}
