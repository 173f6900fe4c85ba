using System.Linq.Expressions;
using MassTransit;
using Microsoft.Extensions.Logging;
using QueueFlow.Contracts;
using QueueFlow.Core.Telemetry;
using QueueFlow.Core.Workflows;

namespace QueueFlow.Core.Jobs;

/// <summary>
/// The job saga: one instance per job, correlated by job id. Every command is applied by
/// <see cref="JobRules"/> and answered with a <see cref="CommandOutcome"/>; the state machine's state
/// mirrors <see cref="Job.Status"/> so MassTransit routes by it.
/// </summary>
public sealed class JobSagaStateMachine : MassTransitStateMachine<Job>
{
    readonly IWorkflowCatalog _catalog;
    readonly JobRules _rules;
    readonly TaskStateRules _stateRules;
    readonly TimerRules _timerRules;
    readonly JobControlRules _controlRules;
    readonly TimeProvider _time;
    readonly ILogger<JobSagaStateMachine> _logger;

    public JobSagaStateMachine(IWorkflowCatalog catalog, JobRules rules, TaskStateRules stateRules, TimerRules timerRules, JobControlRules controlRules, TimeProvider time, ILogger<JobSagaStateMachine> logger)
    {
        _catalog = catalog;
        _rules = rules;
        _stateRules = stateRules;
        _timerRules = timerRules;
        _controlRules = controlRules;
        _time = time;
        _logger = logger;

        InstanceState(x => x.CurrentState);

        Event(() => StartJob, e => e.CorrelateById(c => c.Message.JobId));
        // Every command for a job that does not exist is answered (Prefect aborts a proposal for an unknown run;
        // everything else is rejected), so a sender waiting for a reply is never left without one.
        CommandEvent(() => CompleteTask, m => m.JobId, m => m.TaskId, m => m.CommandId);
        CommandEvent(() => FailTask, m => m.JobId, m => m.TaskId, m => m.CommandId);
        CommandEvent(() => SetTaskState, m => m.JobId, m => m.TaskId, m => m.CommandId, CommandStatus.Aborted);
        CommandEvent(() => TaskHeartbeat, m => m.JobId, m => m.TaskId, m => null);
        CommandEvent(() => PauseJob, m => m.JobId, m => null, m => m.CommandId);
        CommandEvent(() => ResumeJob, m => m.JobId, m => null, m => m.CommandId);
        CommandEvent(() => CancelJob, m => m.JobId, m => null, m => m.CommandId);
        CommandEvent(() => RetryTask, m => m.JobId, m => m.TaskId, m => m.CommandId);
        CommandEvent(() => ContinueJob, m => m.JobId, m => m.FromTask, m => m.CommandId);
        CommandEvent(() => RevertJob, m => m.JobId, m => m.ToTask, m => m.CommandId);
        CommandEvent(() => WatchJob, m => m.JobId, m => null, m => m.CommandId);
        CommandEvent(() => UnwatchJob, m => m.JobId, m => null, m => m.CommandId);
        CommandEvent(() => ClaimTask, m => m.JobId, m => m.TaskId, m => m.CommandId);
        CommandEvent(() => AssignTask, m => m.JobId, m => m.TaskId, m => m.CommandId);
        CommandEvent(() => ReleaseTask, m => m.JobId, m => m.TaskId, m => m.CommandId);

        // A job's own timers can outlive a job that was never stored (a refused start): nothing to do.
        TimerEvent(() => StartScheduledTask, m => m.JobId);
        TimerEvent(() => TimeOutTaskAttempt, m => m.JobId);
        TimerEvent(() => ExpireJob, m => m.JobId);

        Initially(
            When(StartJob)
                .ThenAsync(StartAsync)
                .IfElse(c => c.Saga.Workflow.Length > 0,
                    started => started.ThenAsync(SyncStateAsync),
                    refused => refused.Finalize()));

        // Every command to an existing job, and the rule that applies it: each returns the answer, and what it changed
        // is in the job's change set (Job.Changes), which the repository commits with the job.
        DuringAny(
            When(StartJob).Then(c => Answer(c, JobRules.StartAgain(c.Saga, c.Message))),
            Apply(CompleteTask, _rules.Complete),
            Apply(FailTask, _rules.Fail),
            Apply(SetTaskState, _stateRules.SetState),
            Apply(TaskHeartbeat, _timerRules.Heartbeat),
            Apply(StartScheduledTask, TimerRules.StartScheduled),
            Apply(TimeOutTaskAttempt, TimerRules.TimeOut),
            Apply(ExpireJob, TimerRules.Expire),
            Apply(PauseJob, _controlRules.Pause),
            Apply(ResumeJob, _controlRules.Resume),
            Apply(CancelJob, _controlRules.Cancel),
            Apply(RetryTask, TaskControlRules.Retry),
            Apply(ContinueJob, TaskControlRules.Continue),
            Apply(RevertJob, TaskControlRules.Revert),
            Apply(WatchJob, WatchRules.Watch),
            Apply(UnwatchJob, WatchRules.Unwatch),
            Apply(ClaimTask, ManualTaskRules.Claim),
            Apply(AssignTask, ManualTaskRules.Assign),
            Apply(ReleaseTask, ManualTaskRules.Release));

        SetCompletedWhenFinalized();
    }

    public State Running { get; private set; } = null!;
    public State Paused { get; private set; } = null!;
    public State Completed { get; private set; } = null!;
    public State Failed { get; private set; } = null!;
    public State Cancelled { get; private set; } = null!;

    public Event<StartJob> StartJob { get; private set; } = null!;
    public Event<CompleteTask> CompleteTask { get; private set; } = null!;
    public Event<FailTask> FailTask { get; private set; } = null!;
    public Event<SetTaskState> SetTaskState { get; private set; } = null!;
    public Event<TaskHeartbeat> TaskHeartbeat { get; private set; } = null!;
    public Event<StartScheduledTask> StartScheduledTask { get; private set; } = null!;
    public Event<TimeOutTaskAttempt> TimeOutTaskAttempt { get; private set; } = null!;
    public Event<ExpireJob> ExpireJob { get; private set; } = null!;
    public Event<PauseJob> PauseJob { get; private set; } = null!;
    public Event<ResumeJob> ResumeJob { get; private set; } = null!;
    public Event<CancelJob> CancelJob { get; private set; } = null!;
    public Event<RetryTask> RetryTask { get; private set; } = null!;
    public Event<ContinueJob> ContinueJob { get; private set; } = null!;
    public Event<RevertJob> RevertJob { get; private set; } = null!;
    public Event<WatchJob> WatchJob { get; private set; } = null!;
    public Event<UnwatchJob> UnwatchJob { get; private set; } = null!;
    public Event<ClaimTask> ClaimTask { get; private set; } = null!;
    public Event<AssignTask> AssignTask { get; private set; } = null!;
    public Event<ReleaseTask> ReleaseTask { get; private set; } = null!;

    /// <summary>Applies <paramref name="rule"/> to the job with its workflow's definition, answers, and follows the job's status.</summary>
    EventActivityBinder<Job, T> Apply<T>(Event<T> command, Func<Job, WorkflowDefinition, T, DateTimeOffset, CommandOutcome> rule)
        where T : class =>
        When(command)
            .ThenAsync(async c => Answer(c, rule(c.Saga, await DefinitionOf(c), c.Message, _time.GetUtcNow())))
            .ThenAsync(SyncStateAsync);

    /// <summary>Applies a <paramref name="rule"/> that needs no definition (it leaves the job's status as it is) and answers.</summary>
    EventActivityBinder<Job, T> Apply<T>(Event<T> command, Func<Job, T, DateTimeOffset, CommandOutcome> rule)
        where T : class =>
        When(command).Then(c => Answer(c, rule(c.Saga, c.Message, _time.GetUtcNow())));

    /// <summary>A command to one job, correlated by its job id; for a job that does not exist it is answered at once.</summary>
    void CommandEvent<T>(Expression<Func<Event<T>>> property, Func<T, Guid> jobId, Func<T, string?> taskId, Func<T, Guid?> commandId, CommandStatus unknownJob = CommandStatus.Rejected)
        where T : class =>
        Event(property, e =>
        {
            e.CorrelateById(c => jobId(c.Message));
            e.OnMissingInstance(m => m.ExecuteAsync(c => AnswerUnknownJob(c, jobId(c.Message), taskId(c.Message), typeof(T).Name, commandId(c.Message), unknownJob)));
        });

    /// <summary>A timer the job set for itself, correlated by its job id; without the job it is dropped.</summary>
    void TimerEvent<T>(Expression<Func<Event<T>>> property, Func<T, Guid> jobId)
        where T : class =>
        Event(property, e =>
        {
            e.CorrelateById(c => jobId(c.Message));
            e.OnMissingInstance(m => m.Discard());
        });

    async Task StartAsync(BehaviorContext<Job, StartJob> context)
    {
        var command = context.Message;
        var definition = await _catalog.FindAsync(command.Workflow, command.Version, context.CancellationToken).ConfigureAwait(false);
        var outcome = definition is null
            ? new CommandOutcome
            {
                JobId = command.JobId,
                Command = nameof(Contracts.StartJob),
                CommandId = command.CommandId,
                Status = CommandStatus.Rejected,
                Reason = command.Version is { } version
                    ? $"workflow '{command.Workflow}' has no version {version}"
                    : $"workflow '{command.Workflow}' is not registered",
            }
            : _rules.Start(context.Saga, definition, command, _time.GetUtcNow());

        if (outcome.Status == CommandStatus.Accepted)
        {
            Answer(context, outcome);
            return;
        }

        // A refused start leaves no job behind, so there is no transaction to hold the answer: send it now.
        context.Saga.Workflow = string.Empty;
        await AnswerNowAsync(context, outcome).ConfigureAwait(false);

        // A child that cannot start would leave its parent's task waiting: fail it, for good, since a retry
        // would be refused the same way.
        if (command.Parent is { } parent)
        {
            await context.Publish(new FailTask
            {
                JobId = parent.JobId,
                TaskId = parent.TaskId,
                AttemptId = parent.AttemptId,
                Error = $"child job {command.JobId} could not start: {outcome.Reason}",
                Terminal = true,
                CommandId = command.JobId,
            }, context.CancellationToken).ConfigureAwait(false);
        }
    }

    async Task<WorkflowDefinition> DefinitionOf(BehaviorContext<Job> context) =>
        await _catalog.FindAsync(context.Saga.Workflow, context.Saga.WorkflowVersion, context.CancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException($"job {context.Saga.CorrelationId} runs workflow '{context.Saga.Workflow}' v{context.Saga.WorkflowVersion}, which is not in the catalog");

    Task SyncStateAsync(BehaviorContext<Job> context)
    {
        if (context.Saga.CurrentState != context.Saga.Status.ToString())
        {
            if (context.Saga.Status == JobStatus.Failed)
                JobSagaLog.JobFailed(_logger, context.Saga.CorrelationId, context.Saga.Workflow, context.Saga.Errors.Count > 0 ? context.Saga.Errors[^1].Message : null);
            else
                JobSagaLog.JobStatusChanged(_logger, context.Saga.CorrelationId, context.Saga.Workflow, context.Saga.Status);
        }

        var state = context.Saga.Status switch
        {
            JobStatus.Running => Running,
            JobStatus.Paused => Paused,
            JobStatus.Completed => Completed,
            JobStatus.Failed => Failed,
            _ => Cancelled,
        };
        return context.Saga.CurrentState == state.Name ? Task.CompletedTask : context.TransitionToState(state);
    }

    /// <summary>
    /// Queues the outcome in the job's outbox: as the reply when the sender asked for one, else published
    /// when it is anything but Accepted, so a producer without a reply queue can still watch its rejections.
    /// </summary>
    void Answer<T>(BehaviorContext<Job, T> context, CommandOutcome outcome)
        where T : class
    {
        JobSagaLog.Outcome(_logger, outcome);
        ReplayProvenance.Record(context.Saga, context, outcome, _time.GetUtcNow());
        JobSagaLog.TaskTransitions(_logger, context.Saga);
        context.Saga.Changes.Outcomes.Add(outcome);
        if (context.ResponseAddress is { } responseAddress)
            context.Saga.Changes.Messages.Add(new OutgoingMessage(outcome, new MessageDestination.Reply(responseAddress, context.RequestId), NewId.NextGuid()));
        else if (outcome.Status != CommandStatus.Accepted)
            context.Saga.Changes.Messages.Add(new OutgoingMessage(outcome, MessageDestination.Published, NewId.NextGuid()));
    }

    Task AnswerNowAsync(ConsumeContext context, CommandOutcome outcome)
    {
        // No job is committed for these answers, so they are counted here.
        JobSagaLog.Outcome(_logger, outcome);
        QueueFlowMetrics.CommandAnswered(string.Empty, outcome);
        if (context.ResponseAddress is not null)
            return context.RespondAsync(outcome);
        return context.Publish(outcome, context.CancellationToken);
    }

    /// <summary>Prefect aborts a proposal for a run that does not exist; worker commands are rejected.</summary>
    Task AnswerUnknownJob(ConsumeContext context, Guid jobId, string? taskId, string command, Guid? commandId, CommandStatus status = CommandStatus.Rejected) =>
        AnswerNowAsync(context, new CommandOutcome
        {
            JobId = jobId,
            TaskId = taskId,
            Command = command,
            CommandId = commandId,
            Status = status,
            Reason = $"unknown job {jobId}",
        });
}
