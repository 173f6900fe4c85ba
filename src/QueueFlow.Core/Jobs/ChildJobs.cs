using System.Text.Json;
using MassTransit;
using QueueFlow.Contracts;
using QueueFlow.Core.Workflows;

namespace QueueFlow.Core.Jobs;

/// <summary>
/// A workflow task runs another workflow as a child job. The child's id is the attempt id, so every attempt
/// (a retry, a loop's next iteration) gets a job of its own and the child's report names the attempt it
/// answers: a late report from an earlier child is stale like any other. Parent and child talk only through
/// the bus, as commands in each other's outbox; neither reads the other's row.
/// </summary>
internal static class ChildJobs
{
    /// <summary>Starts the child job for the task's new attempt, with the resolved input as its variables.</summary>
    public static void Start(JobEditor editor, JobTask task, TaskDefinition definition)
    {
        var attemptId = task.AttemptId!.Value;
        editor.Publish(new StartJob
        {
            JobId = attemptId,
            Workflow = definition.Workflow!,
            Version = definition.WorkflowVersion,
            Variables = JsonDocument.Parse(task.Input ?? "{}").RootElement.Clone(),
            Owner = editor.Job.Owner,
            Parent = new ParentTask { JobId = editor.Job.CorrelationId, TaskId = task.TaskId, AttemptId = attemptId },
            CommandId = attemptId,
        });
    }

    /// <summary>The parent gave up on the attempt (cancelled, timed out, superseded): the child stops too.</summary>
    public static void Cancel(JobEditor editor, JobTask task, Guid attemptId, string reason) =>
        editor.Publish(new CancelJob
        {
            JobId = attemptId,
            Reason = $"its parent job {editor.Job.CorrelationId} ended task '{task.TaskId}': {reason}",
            CommandId = NewId.NextGuid(),
        });

    /// <summary>A child that completed completes its parent's attempt, with its variables as the task's output.</summary>
    public static void ReportCompleted(JobEditor editor)
    {
        var job = editor.Job;
        if (job.ParentJobId is not { } parentId)
            return;

        editor.Publish(new CompleteTask
        {
            JobId = parentId,
            TaskId = job.ParentTaskId!,
            AttemptId = job.ParentAttemptId!.Value,
            Output = JsonDocument.Parse(job.Variables).RootElement.Clone(),
            CommandId = NewId.NextGuid(),
        });
    }

    /// <summary>
    /// A child that failed fails its parent's attempt, which the parent's task may retry with a new child; a
    /// cancelled child (by an operator) is a terminal failure, since a retry would undo the cancellation.
    /// </summary>
    public static void ReportFailed(JobEditor editor, string error, bool terminal)
    {
        var job = editor.Job;
        if (job.ParentJobId is not { } parentId)
            return;

        editor.Publish(new FailTask
        {
            JobId = parentId,
            TaskId = job.ParentTaskId!,
            AttemptId = job.ParentAttemptId!.Value,
            Error = error,
            Terminal = terminal,
            CommandId = NewId.NextGuid(),
        });
    }
}
