using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using QueueFlow.Contracts;
using QueueFlow.IntegrationTests.Infrastructure;
using QueueFlow.Migrations;

namespace QueueFlow.IntegrationTests.Jobs;

/// <summary>
/// An operator who runs more job commands at once than the connection string's <c>Maximum Pool Size</c> (or two
/// workers in one process sharing it) must not see the worker stall: every command holds a pooled connection while it
/// runs, so nothing it needs on the way (a StartJob's workflow lookup, a timer's hand-over) may wait for another
/// connection from that same pool. The worker has a deployment of its own (prefix and database), so it alone applies
/// the burst.
/// </summary>
[Collection(SharedWorkerGroup.Name)]
public sealed class When_handlers_hold_every_pooled_connection : IAsyncLifetime
{
    const string Prefix = "it-small-pool.";
    const int PoolSize = 4;
    const int Jobs = 48;

    string _connectionString = null!;

    public async Task InitializeAsync()
    {
        await using (var amqp = await RawAmqpClient.ConnectAsync())
            await amqp.PurgeQuorumQueueAsync(Prefix + TestSettings.JobsQueue);
        _connectionString = await OwnDatabase.CreateAsync("small_pool");
    }

    public Task DisposeAsync() => OwnDatabase.DropAsync(_connectionString);

    [Fact]
    public async Task Should_start_a_burst_of_jobs_with_timers_while_four_times_as_many_commands_share_the_pool()
    {
        // A pool's wait would last longer than the test waits for the burst, so a stall fails it rather than a retry hiding it.
        var pooled = new NpgsqlConnectionStringBuilder(_connectionString) { MaxPoolSize = PoolSize, Timeout = 120 }.ConnectionString;
        await using var worker = await WorkerInstance.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:QueueFlow"] = pooled,
            ["Endpoints:Prefix"] = Prefix,
            ["Endpoints:ConcurrentMessageLimit"] = (PoolSize * 4).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        // Each job's first task has a timeout, so each StartJob also hands a timer over to Quartz.
        var name = QueueFlowFixture.Unique("small-pool");
        using (var scope = worker.Services.CreateScope())
        {
            var client = scope.ServiceProvider.GetRequiredService<IRequestClient<RegisterWorkflow>>();
            using var json = System.Text.Json.JsonDocument.Parse($$"""
                { "name": "{{name}}", "tasks": [ { "id": "t1", "queue": "{{name}}", "timeoutSeconds": 3600 } ],
                  "transitions": [ { "from": "workflow_start", "to": "t1" }, { "from": "t1", "to": "workflow_end" } ] }
                """);
            var registered = await client.GetResponse<WorkflowRegistration>(new RegisterWorkflow { Definition = json.RootElement.Clone() });
            Assert.True(registered.Message.Accepted, string.Join("; ", registered.Message.Errors));
        }

        // No version named: each StartJob looks its workflow's newest version up in the database.
        var bus = worker.Services.GetRequiredService<IBus>();
        var ids = Enumerable.Range(0, Jobs).Select(_ => NewId.NextGuid()).ToArray();
        await Task.WhenAll(ids.Select(id => bus.Publish(new StartJob { JobId = id, Workflow = name })));

        // Counted on a connection of the test's own: the worker's pool is the thing under test.
        var running = await Eventually.Until(async () =>
        {
            await using var db = QueueFlowDesignTimeDbContextFactory.Create(_connectionString);
            return await db.Jobs.CountAsync(j => ids.Contains(j.CorrelationId) && j.Status == JobStatus.Running);
        }, n => n == Jobs, $"all {Jobs} jobs to start", TimeSpan.FromSeconds(45));
        Assert.Equal(Jobs, running);

        // What an operator sees in pg_stat_activity: the lookups' and the timers' sessions apart, by name.
        var database = new NpgsqlConnectionStringBuilder(_connectionString).Database;
        await using var session = new NpgsqlConnection(_connectionString);
        await session.OpenAsync();
        await using var names = new NpgsqlCommand("SELECT DISTINCT application_name FROM pg_stat_activity WHERE datname = @database", session);
        names.Parameters.AddWithValue("database", database!);
        var seen = new List<string>();
        await using (var reader = await names.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                seen.Add(reader.GetString(0));
        Assert.Contains("QueueFlow (workflow lookups)", seen);
        Assert.Contains("QueueFlow (timers)", seen);
    }
}
