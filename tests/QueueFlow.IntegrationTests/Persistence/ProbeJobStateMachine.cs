using System.Text.Json.Nodes;
using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.IntegrationTests.Persistence;

/// <summary>
/// A stand-in for the job saga that touches everything the repository stores: the job row, a task row
/// with its attempts, history entries and outgoing messages, so repository behaviour is tested apart from the job rules.
/// </summary>
public sealed class ProbeJobStateMachine : MassTransitStateMachine<Job>
{
    public const string FirstTask = "first";

    public ProbeJobStateMachine()
    {
        InstanceState(j => j.CurrentState);

        Event(() => Started, e => e.CorrelateById(c => c.Message.JobId));
        Event(() => Touched, e => e.CorrelateById(c => c.Message.JobId));

        Initially(
            When(Started)
                .ThenAsync(StartAsync)
                .TransitionTo(Running));

        During(Running,
            When(Started)
                .Then(c => Record(c.Saga, "StartedAgain")),
            When(Touched)
                .Then(Touch));
    }

    public State Running { get; private set; } = null!;

    public Event<StartProbeJob> Started { get; private set; } = null!;
    public Event<TouchProbeJob> Touched { get; private set; } = null!;

    private static async Task StartAsync(BehaviorContext<Job, StartProbeJob> context)
    {
        var job = context.Saga;
        var now = DateTimeOffset.UtcNow;
        job.Workflow = "probe";
        job.WorkflowVersion = 1;
        job.Status = JobStatus.Running;
        job.Variables = """{"touches":0}""";
        job.CreatedAt = now;
        job.UpdatedAt = now;
        job.Tasks.Add(new JobTask
        {
            JobId = job.CorrelationId,
            TaskId = FirstTask,
            Kind = TaskKind.Worker,
            Queue = "probe.work",
            Status = TaskRunStatus.Scheduled,
        });
        Record(job, "Started");
        Announce(job, null, JobStatus.Running);

        if (context.Message.Rendezvous)
            await ProbeRendezvous.MeetAsync(job.CorrelationId);
        if (context.Message.Fail)
            throw new InvalidOperationException("probe start failed on purpose");
    }

    private static void Touch(BehaviorContext<Job, TouchProbeJob> context)
    {
        var job = context.Saga;
        var variables = JsonNode.Parse(job.Variables)!.AsObject();
        variables["touches"] = variables["touches"]!.GetValue<int>() + 1;
        job.Variables = variables.ToJsonString();
        job.UpdatedAt = DateTimeOffset.UtcNow;
        job.Errors.Add(new JobError(FirstTask, "touched", job.UpdatedAt));

        var task = job.FindTask(FirstTask)!;
        job.Changes.Touch(task);
        task.Attempt++;
        task.AttemptId = Guid.NewGuid();
        task.Status = TaskRunStatus.Running;
        task.Attempts.Add(new TaskAttempt { Id = task.AttemptId.Value, Number = task.Attempt, StartedAt = job.UpdatedAt });

        Record(job, "Touched");
        Announce(job, JobStatus.Running, JobStatus.Running);

        if (context.Message.Fail)
            throw new InvalidOperationException("probe touch failed on purpose");
    }

    private static void Record(Job job, string kind)
    {
        job.HistoryCount++;
        job.Changes.History.Add(new JobHistoryEntry
        {
            JobId = job.CorrelationId,
            Sequence = job.HistoryCount,
            At = DateTimeOffset.UtcNow,
            Kind = kind,
            TaskId = FirstTask,
        });
    }

    private static void Announce(Job job, JobStatus? from, JobStatus to) =>
        job.Changes.Messages.Add(new OutgoingMessage(
            new JobStateChanged { JobId = job.CorrelationId, Workflow = job.Workflow, From = from, To = to, At = DateTimeOffset.UtcNow },
            MessageDestination.Published,
            Guid.NewGuid()));
}
