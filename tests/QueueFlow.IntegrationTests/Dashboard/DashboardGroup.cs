namespace QueueFlow.IntegrationTests.Dashboard;

/// <summary>
/// The browser tests run in a collection of their own: they bring their own worker host and chromium, so they
/// neither wait on nor slow the shared worker's collection.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DashboardGroup
{
    public const string Name = "Dashboard";
}
