using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.IntegrationTests.Infrastructure;

/// <summary>
/// One worker against the real PostgreSQL and RabbitMQ, shared by the tests of the
/// <see cref="SharedWorkerGroup"/>, with the helpers a scenario needs to drive and inspect jobs.
/// </summary>
public sealed class QueueFlowFixture : IAsyncLifetime
{
    public WorkerInstance Worker { get; private set; } = null!;
    public RawAmqpClient Amqp { get; private set; } = null!;

    /// <summary>Completions <see cref="Worker"/> has applied.</summary>
    public ConsumeCounter<CompleteTask> Completions { get; } = new();

    public async Task InitializeAsync()
    {
        Amqp = await RawAmqpClient.ConnectAsync();

        // Messages an interrupted earlier run left behind must not be applied to this run's database.
        await Amqp.PurgeQuorumQueueAsync(TestSettings.JobsQueue);
        await Amqp.PurgeQuorumQueueAsync($"{TestSettings.JobsQueue}_error");
        Worker = await WorkerInstance.StartAsync(services: s => s.AddConsumeObserver(_ => Completions));
    }

    public async Task DisposeAsync()
    {
        await Amqp.DisposeAsync();
        await Worker.DisposeAsync();
    }

    /// <summary>A name unique to this test run, for workflows and queues.</summary>
    public static string Unique(string name) => $"it-{name}-{TestSettings.RunId}";

    public async Task<WorkflowRegistration> RegisterWorkflowAsync(string document)
    {
        using var scope = Worker.Services.CreateScope();
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<RegisterWorkflow>>();
        using var json = System.Text.Json.JsonDocument.Parse(document);
        var response = await client.GetResponse<WorkflowRegistration>(new RegisterWorkflow { Definition = json.RootElement.Clone() });
        return response.Message;
    }

    public async Task<CommandOutcome> SendAsync<T>(T command)
        where T : class
    {
        using var scope = Worker.Services.CreateScope();
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<T>>();
        var response = await client.GetResponse<CommandOutcome>(command);
        return response.Message;
    }

    public async Task<Job?> FindJobAsync(Guid jobId)
    {
        await using var db = Worker.CreateDbContext();
        return await db.Jobs.AsNoTracking().Include(j => j.Tasks).SingleOrDefaultAsync(j => j.CorrelationId == jobId);
    }

    public Task<Job> WaitForJobAsync(Guid jobId, JobStatus status, TimeSpan? timeout = null) =>
        Eventually.Until(async () => await FindJobAsync(jobId), j => j?.Status == status, $"job {jobId} to be {status}", timeout)!;

    public async Task<List<JobHistoryEntry>> HistoryAsync(Guid jobId)
    {
        await using var db = Worker.CreateDbContext();
        return await db.JobHistory.AsNoTracking().Where(h => h.JobId == jobId).OrderBy(h => h.Sequence).ToListAsync();
    }
}
