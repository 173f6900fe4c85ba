using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using QueueFlow.Core.Vocabularies;
using QueueFlow.Core.Workflows;

namespace QueueFlow.Core.Adapters.Itential;

/// <summary>
/// Itential's finish task (workflow engine and Operations Manager), translated onto <see cref="CompleteTask"/>, and a
/// job back to Itential's job document.
/// </summary>
/// <remarks>
/// A non-empty <c>variables.error</c> is still a completion, never a <see cref="FailTask"/>: in Itential an errored
/// task is routed by its finish state (the <c>error</c> transition), error is not final, and a job only fails when
/// no transition matches ("No available transitions found from completed task(s)"). A FailTask would instead
/// spend the task's retries and apply its failure policy, which Itential does not do. So the error defaults the
/// finish state to <c>error</c> (an explicit finish_state wins) and is kept in the task's output under <c>error</c>.
/// </remarks>
public static class ItentialFinishTask
{
    /// <summary>Operations Manager's message for the finish answer, as its documentation's example gives it.</summary>
    public const string FinishedMessage = "Successfully created the requested item";

    const string ErrorKey = "error";

    public static Translation<CompleteTask> ToCommand(ItentialFinishTaskRequest request, Guid jobId, string taskId, Guid attemptId, string? owner = null, Guid? commandId = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.TaskData is { } data
            ? ToCommand(data, "task_data", jobId, taskId, attemptId, owner, commandId)
            : Translations.Invalid<CompleteTask>("task_data", "task_data is required");
    }

    /// <summary>Operations Manager's finish of a manual task; without taskData the task completes with success.</summary>
    public static Translation<CompleteTask> ToCommand(ItentialManualTaskFinishRequest request, Guid jobId, string taskId, Guid attemptId, string? owner = null, Guid? commandId = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ToCommand(request.TaskData ?? new ItentialTaskData(), "taskData", jobId, taskId, attemptId, owner, commandId);
    }

    static Translation<CompleteTask> ToCommand(ItentialTaskData data, string path, Guid jobId, string taskId, Guid attemptId, string? owner, Guid? commandId)
    {
        var outgoing = data.Variables?.Outgoing;
        if (!WireJson.IsAbsent(outgoing) && outgoing!.Value.ValueKind != JsonValueKind.Object)
            return Translations.Invalid<CompleteTask>($"{path}.variables.outgoing", $"outgoing must be a JSON object, not {WireJson.KindName(outgoing.Value)}");

        var error = data.Variables?.Error is { } e && !IsEmpty(e) ? e : (JsonElement?)null;
        JsonElement? output = WireJson.IsAbsent(outgoing) ? null : outgoing;
        if (error is { } err)
        {
            var merged = output is { } o ? JsonObject.Create(o) ?? [] : [];
            merged[ErrorKey] = JsonNode.Parse(err.GetRawText());
            output = JsonSerializer.SerializeToElement(merged);
        }

        var finishState = string.IsNullOrWhiteSpace(data.FinishState)
            ? error is null ? TransitionDefinition.Success : FinishStates.Error
            : data.FinishState;
        return Translations.Valid(new CompleteTask
        {
            JobId = jobId,
            TaskId = taskId,
            AttemptId = attemptId,
            FinishState = finishState,
            Output = output,
            Owner = owner,
            CommandId = commandId,
        });
    }

    /// <summary>Itential sends <c>"error": ""</c> for "no error"; an empty object or list says the same.</summary>
    static bool IsEmpty(JsonElement error) => error.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => true,
        JsonValueKind.String => string.IsNullOrWhiteSpace(error.GetString()),
        JsonValueKind.Object => !error.EnumerateObject().Any(),
        JsonValueKind.Array => error.GetArrayLength() == 0,
        _ => false,
    };

    /// <summary>The job as Itential's job document. <paramref name="watchers"/> are the job's watchers (none until watching is built).</summary>
    public static ItentialJobDocument ToJobDocument(Job job, WorkflowDefinition definition, DateTimeOffset now, IReadOnlyList<string>? watchers = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(definition);
        var metrics = JobMetrics.Of(job, now);

        var tasks = new Dictionary<string, ItentialTaskDocument>(StringComparer.Ordinal)
        {
            // workflow_start and workflow_end are not tasks of a QueueFlow job; Itential lists them, so they are made up
            // from the job: the start completed when the job started, the end when the job completed.
            [WorkflowDefinition.Start] = Marker(WorkflowDefinition.Start, job.CreatedAt, job.Owner),
            [WorkflowDefinition.End] = job.Status == JobStatus.Completed && job.EndedAt is { } ended
                ? Marker(WorkflowDefinition.End, ended, job.Owner)
                : new ItentialTaskDocument { Name = WorkflowDefinition.End, Status = ItentialStatus.Incomplete, Metrics = new ItentialMetrics() },
        };
        foreach (var task in job.Tasks)
        {
            tasks[task.TaskId] = new ItentialTaskDocument
            {
                Name = task.TaskId,
                Status = ItentialStatus.From(task.Status),
                Metrics = ToMetrics(metrics.Tasks[task.TaskId]),
            };
        }

        // A map holds one transition per pair of tasks; QueueFlow allows several (one per finish state), and the
        // first in the definition stands, as Itential's own shape cannot say more.
        var transitions = new Dictionary<string, IReadOnlyDictionary<string, ItentialTransition>>(StringComparer.Ordinal);
        foreach (var from in definition.Transitions.GroupBy(t => t.From, StringComparer.Ordinal))
        {
            var targets = new Dictionary<string, ItentialTransition>(StringComparer.Ordinal);
            foreach (var transition in from)
                targets.TryAdd(transition.To, new ItentialTransition { State = transition.State });
            transitions[from.Key] = targets;
        }

        return new ItentialJobDocument
        {
            Id = job.CorrelationId.ToString("N", CultureInfo.InvariantCulture),
            Name = job.Workflow,
            Tasks = tasks,
            Transitions = transitions,
            Status = ItentialStatus.From(job.Status),
            Metrics = ToMetrics(metrics.Job),
            Variables = WireJson.Parse(job.Variables),
            Watchers = watchers ?? [],
            Error = [.. job.Errors.Select(e => new ItentialJobError { Task = e.Task, Message = e.Message, Timestamp = e.Timestamp.ToUnixTimeMilliseconds() })],
        };
    }

    /// <summary>Operations Manager's answer to finishing a manual task: the job document in its envelope.</summary>
    public static ItentialResponseEnvelope<ItentialJobDocument> ToFinishResponse(ItentialJobDocument job) =>
        new() { Message = FinishedMessage, Data = job };

    static ItentialTaskDocument Marker(string name, DateTimeOffset at, string? owner) => new()
    {
        Name = name,
        Status = ItentialStatus.Complete,
        Metrics = new ItentialMetrics
        {
            Owner = owner,
            StartTime = at.ToUnixTimeMilliseconds(),
            EndTime = at.ToUnixTimeMilliseconds(),
            RunTime = 0,
            FinishState = TransitionDefinition.Success,
        },
    };

    static ItentialMetrics ToMetrics(RunMetrics metrics) => new()
    {
        Owner = metrics.Owner,
        StartTime = WireJson.EpochMilliseconds(metrics.StartTime),
        EndTime = WireJson.EpochMilliseconds(metrics.EndTime),
        RunTime = metrics.RunTimeMs,
        FinishState = metrics.FinishState,
    };
}
