namespace QueueFlow.IntegrationTests.Infrastructure;

/// <summary>Tests that share one worker run one after another, so each sees only its own traffic.</summary>
[CollectionDefinition(Name)]
public sealed class SharedWorkerGroup : ICollectionFixture<QueueFlowFixture>
{
    public const string Name = "QueueFlow";
}
