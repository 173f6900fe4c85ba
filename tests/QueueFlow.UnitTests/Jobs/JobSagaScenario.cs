using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using QueueFlow.Core.Scheduling;
using QueueFlow.Core.Workflows;

namespace QueueFlow.UnitTests.Jobs;

/// <summary>
/// The job saga on MassTransit's in-memory harness with an in-memory repository: the rules and the
/// state machine's wiring, without a broker or a database. Messages the saga decides to send stay
/// in the job's <see cref="Job.Changes"/>, since relaying them is the real repository's work.
/// </summary>
public abstract class JobSagaScenario : IAsyncLifetime
{
    ServiceProvider _provider = null!;
    readonly ChangeSetCheck _changeSetCheck = new();

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
    protected ITestHarness Harness { get; private set; } = null!;
    protected ISagaStateMachineTestHarness<JobSagaStateMachine, Job> Saga { get; private set; } = null!;
    protected Guid JobId { get; } = NewId.NextGuid();
    protected JobRulesOptions Options { get; } = new() { MaxOutputBytes = 1024 };

    public async Task InitializeAsync()
    {
        _provider = new ServiceCollection()
            .AddSingleton<IWorkflowCatalog>(new InMemoryWorkflowCatalog(TestWorkflows.Diamond, TestWorkflows.Branching, TestWorkflows.Policies, TestWorkflows.Revisions, TestWorkflows.Timed, TestWorkflows.Nested))
            .AddSingleton(Options)
            .AddSingleton(sp => new JobRules(sp.GetRequiredService<JobRulesOptions>()))
            .AddSingleton(sp => new TaskStateRules(sp.GetRequiredService<JobRules>(), sp.GetRequiredService<JobRulesOptions>()))
            .AddSingleton<TimerRules>()
            .AddSingleton<JobControlRules>()
            .AddSingleton<TimeProvider>(Clock)
            .AddMassTransitTestHarness(x => x.AddSagaStateMachine<JobSagaStateMachine, Job>(saga => saga.UseFilter(_changeSetCheck)).InMemoryRepository())
            .BuildServiceProvider(true);
        Harness = _provider.GetRequiredService<ITestHarness>();
        Harness.TestTimeout = TimeSpan.FromSeconds(10);

        // The harness stops waiting once the bus looks idle; on a loaded CI machine its default of about a
        // second can pass before a just-published command is picked up.
        Harness.TestInactivityTimeout = TimeSpan.FromSeconds(5);
        await Harness.Start();
        Saga = Harness.GetSagaStateMachineHarness<JobSagaStateMachine, Job>();
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();

        // Every scenario also checks that the rules named each task they changed (see ChangeSetCheck).
        Assert.Empty(_changeSetCheck.Misses);
    }

    protected Job Job => Saga.Sagas.Contains(JobId) ?? throw new InvalidOperationException($"job {JobId} does not exist");

    protected JobTask Task(string taskId) => Job.FindTask(taskId)!;

    protected IEnumerable<RunTask> Dispatches => Job.Changes.Messages.Select(m => m.Message).OfType<RunTask>();

    protected async Task StartAsync(string workflow, string? variables = null, DateTimeOffset? scheduledAt = null)
    {
        var commandId = NewId.NextGuid();
        await Harness.Bus.Publish(new StartJob
        {
            JobId = JobId,
            Workflow = workflow,
            Variables = variables is null ? null : JsonDocument.Parse(variables).RootElement,
            ScheduledAt = scheduledAt,
            CommandId = commandId,
        });
        Assert.True(await Saga.Consumed.Any<StartJob>(m => m.Context.Message.CommandId == commandId), "StartJob was not consumed");
    }

    protected Task<CommandOutcome> CompleteAsync(string taskId, string? finishState = null, string? output = null, Guid? attemptId = null, CompletionResult? result = null) =>
        SendAsync(new CompleteTask
        {
            JobId = JobId,
            TaskId = taskId,
            AttemptId = attemptId ?? Task(taskId).AttemptId!.Value,
            FinishState = finishState,
            Output = output is null ? null : JsonDocument.Parse(output).RootElement,
            Result = result,
            CommandId = NewId.NextGuid(),
        });

    protected Task<CommandOutcome> FailAsync(string taskId, string error, bool terminal = false, Guid? attemptId = null) =>
        SendAsync(new FailTask
        {
            JobId = JobId,
            TaskId = taskId,
            AttemptId = attemptId ?? Task(taskId).AttemptId!.Value,
            Error = error,
            Terminal = terminal,
            CommandId = NewId.NextGuid(),
        });

    /// <summary>Timers the saga has set or removed, in order.</summary>
    protected IEnumerable<(TimerRequest Request, object Message)> Timers =>
        Job.Changes.Timers.Select(t => (t.Timer, t.Message));

    /// <summary>Does what the durable timer would: delivers the newest scheduled message of that type for the task.</summary>
    protected async Task<CommandOutcome> FireTimerAsync<T>(Func<T, bool> which)
        where T : class
    {
        var message = Timers.Where(t => !t.Request.IsCancel).Select(t => t.Message).OfType<T>().Last(which);
        return await SendAsync(message);
    }

    /// <summary>Sends a command as a request: the saga queues its reply in the outbox, which is read back here.</summary>
    protected async Task<CommandOutcome> SendAsync<T>(T command)
        where T : class
    {
        var requestId = NewId.NextGuid();
        await Harness.Bus.Publish(command, c =>
        {
            c.RequestId = requestId;
            c.ResponseAddress = new Uri("queue:test-replies");
        });
        Assert.True(await Saga.Consumed.Any<T>(m => m.Context.RequestId == requestId), $"{typeof(T).Name} was not consumed");
        var reply = Job.Changes.Messages.Single(m => m.Destination is MessageDestination.Reply r && r.RequestId == requestId);
        Assert.Equal(new Uri("queue:test-replies"), ((MessageDestination.Reply)reply.Destination).Address);
        return Assert.IsType<CommandOutcome>(reply.Message);
    }
}
