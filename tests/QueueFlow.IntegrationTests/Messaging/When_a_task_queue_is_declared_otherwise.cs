using System.Net;
using QueueFlow.IntegrationTests.Api;
using QueueFlow.IntegrationTests.Infrastructure;
using static QueueFlow.IntegrationTests.Api.JobRoutes;

namespace QueueFlow.IntegrationTests.Messaging;

/// <summary>
/// A worker that declared its task queue otherwise than the bus declares it (here as a quorum queue): the broker refuses
/// each RunTask to it, and the bus retries the declaration until the send times out. That one queue must not hold back
/// the RunTasks of other queues. A deployment of its own, so that its retries slow no other test's relay.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_a_task_queue_is_declared_otherwise(QueueFlowFixture fixture) : IAsyncLifetime
{
    Deployment _deployment = null!;

    public async Task InitializeAsync()
    {
        var prefix = $"it-tq-{TestSettings.RunId}.";
        foreach (var queue in new[] { TestSettings.JobsQueue, $"{TestSettings.JobsQueue}_error" })
            await fixture.Amqp.PurgeQuorumQueueAsync(prefix + queue);
        _deployment = await Deployment.StartAsync(prefix, "task_queue_refused");
    }

    public async Task DisposeAsync() => await _deployment.DisposeAsync();

    [Fact]
    public async Task Should_keep_dispatching_to_the_other_queues()
    {
        using var admin = _deployment.ClientWith(ApiFactory.AdminKey);
        using var @operator = _deployment.ClientWith(ApiFactory.OperatorKey);
        var refusing = QueueFlowFixture.Unique($"quorum-tasks-{Guid.NewGuid():N}");
        await fixture.Amqp.PurgeQuorumQueueAsync(_deployment.Name(refusing));
        var refusingWorkflow = await ApiCalls.RegisterAsync(admin, Workflows.Chain(refusing, 1));
        var refused = Guid.NewGuid();
        await fixture.Amqp.PublishAsync(_deployment.Name(TestSettings.JobsQueue), "StartJob", $$"""{ "jobId": "{{refused}}", "workflow": "{{refusingWorkflow}}" }""");
        await Eventually.Until(async () =>
        {
            using var response = await @operator.GetAsync(new Uri($"/api/jobs/{refused}", UriKind.Relative));
            return response.StatusCode;
        }, status => status == HttpStatusCode.OK, "the job whose task queue refuses");
        await TaskWhenAsync(@operator, refused, "t1", "Running");

        var normal = QueueFlowFixture.Unique($"normal-tasks-{Guid.NewGuid():N}");
        var arrived = await fixture.Amqp.CollectWithIdsAsync(_deployment.Name(normal));
        var started = DateTime.UtcNow;
        var job = await ApiCalls.StartAsync(@operator, $$"""{"workflow":"{{await ApiCalls.RegisterAsync(admin, Workflows.Chain(normal, 2))}}"}""");

        var runTask = Assert.Single(await Eventually.Until(() => Task.FromResult(arrived.ToArray()), m => m.Length > 0, $"the RunTask in {normal}", TimeSpan.FromSeconds(60)));
        Assert.Equal(job, runTask.Body.GetProperty("jobId").GetGuid());
        // Held behind the refused send, it would wait for that send's timeout (Outbox:SendTimeout, 30 s).
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), $"the RunTask took {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
    }
}
