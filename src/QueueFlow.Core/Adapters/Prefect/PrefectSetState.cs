using System.Text.Json;
using QueueFlow.Contracts;
using QueueFlow.Core.Vocabularies;

namespace QueueFlow.Core.Adapters.Prefect;

/// <summary>
/// Prefect's set_state for a task run, translated onto <see cref="SetTaskState"/> and back. The orchestration
/// rules themselves are the saga's (<see cref="Jobs.TaskStateRules"/>); this only changes words and shapes.
/// </summary>
/// <remarks>
/// <c>state_details.retriable = false</c> travels as <see cref="SetTaskState.Retriable"/>: a FAILED proposal so
/// marked ends the task even with retries left, and every other rule still applies.
/// </remarks>
public static class PrefectSetState
{
    /// <summary>The name Prefect gives a failed run it will retry: a SCHEDULED state, due at the retry.</summary>
    public const string AwaitingRetry = "AwaitingRetry";

    /// <summary>The name Prefect gives the PAUSED state it answers a task that wants to run in a paused flow.</summary>
    public const string NotReady = "NotReady";

    /// <summary>Prefect's own reject reason for a failure it turned into a retry.</summary>
    public const string RetryingReason = "Retrying";

    public static Translation<SetTaskState> ToCommand(PrefectSetStateRequest request, Guid jobId, string taskId, Guid? attemptId = null, Guid? commandId = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.State is not { } state)
            return Translations.Invalid<SetTaskState>("state", "state is required");

        var errors = new List<AdapterError>();
        TaskRunStatus? canonical = null;
        if (string.IsNullOrEmpty(state.Type))
            errors.Add(new AdapterError("state.type", $"state.type is required: one of {string.Join(", ", PrefectStateType.All)}"));
        else if ((canonical = PrefectStateType.ToCanonical(state.Type)) is null)
            errors.Add(new AdapterError("state.type", $"'{state.Type}' is not a Prefect state type: use one of {string.Join(", ", PrefectStateType.All)}"));

        Guid? transitionId = null;
        if (state.StateDetails?.TransitionId is { } rawTransitionId)
        {
            if (Guid.TryParse(rawTransitionId, out var parsed))
                transitionId = parsed;
            else
                errors.Add(new AdapterError("state.state_details.transition_id", $"'{rawTransitionId}' is not a UUID"));
        }

        // A task's output is a JSON object, so that is the one kind of result a state can carry here; anything else
        // would be lost, and a body QueueFlow cannot keep is invalid, as Prefect calls a body its schema refuses.
        if (state.Data is { ValueKind: not JsonValueKind.Object and not JsonValueKind.Null } data)
            errors.Add(new AdapterError("state.data", $"state.data must be a JSON object (kept as the task's output) or null, not {data.ValueKind.ToString().ToLowerInvariant()}"));

        if (errors.Count > 0 || canonical is null)
            return Translations.Invalid<SetTaskState>(errors);

        return Translations.Valid(new SetTaskState
        {
            JobId = jobId,
            TaskId = taskId,
            AttemptId = attemptId,
            State = canonical.Value,
            Message = state.Message,
            Output = state.Data is { ValueKind: JsonValueKind.Object } output ? output : null,
            Force = request.Force,
            Retriable = state.StateDetails?.Retriable,
            TransitionId = transitionId,
            ScheduledTime = state.StateDetails?.ScheduledTime,
            CommandId = commandId,
        });
    }

    /// <summary>
    /// The set_state answer for the saga's outcome of <paramref name="proposed"/>. <paramref name="scheduledAt"/> is
    /// the task's scheduled time after the command, when the caller has read it; it dates a Scheduled state.
    /// </summary>
    public static PrefectOrchestrationResult ToResponse(PrefectState proposed, CommandOutcome outcome, DateTimeOffset now, DateTimeOffset? scheduledAt = null)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        ArgumentNullException.ThrowIfNull(outcome);
        var proposedStatus = proposed.Type is { } type ? PrefectStateType.ToCanonical(type) : null;

        switch (outcome.Status)
        {
            case CommandStatus.Accepted when proposedStatus == TaskRunStatus.Failed && outcome.TaskStatus is TaskRunStatus.Scheduled or TaskRunStatus.Running:
                // The rules kept the task for another attempt. Prefect says that by rejecting the failure into
                // AwaitingRetry, a SCHEDULED state due at the retry (now when the retry was dispatched at once).
                return Result(PrefectSetStateStatus.Reject, new PrefectState
                {
                    Type = PrefectStateType.Scheduled,
                    Name = AwaitingRetry,
                    Message = proposed.Message,
                    Timestamp = now,
                    StateDetails = new PrefectStateDetails { ScheduledTime = scheduledAt ?? now },
                }, PrefectOrchestrationDetails.RejectType, RetryingReason);

            case CommandStatus.Accepted:
                return Result(PrefectSetStateStatus.Accept, proposed with
                {
                    Name = proposed.Name ?? (proposed.Type is { } accepted ? DefaultName(accepted) : null),
                    Timestamp = now,
                    StateDetails = proposed.StateDetails ?? new PrefectStateDetails(),
                }, PrefectOrchestrationDetails.AcceptType, null);

            case CommandStatus.Wait when proposedStatus == TaskRunStatus.Running && outcome.JobStatus == JobStatus.Paused:
                // Prefect does not make a task of a paused flow wait: it rejects it into a PAUSED state named NotReady.
                return Result(PrefectSetStateStatus.Reject, new PrefectState
                {
                    Type = PrefectStateType.Paused,
                    Name = NotReady,
                    Timestamp = now,
                    StateDetails = new PrefectStateDetails(),
                }, PrefectOrchestrationDetails.RejectType, outcome.Reason);

            case CommandStatus.Wait:
                return new PrefectOrchestrationResult
                {
                    Status = PrefectSetStateStatus.Wait,
                    State = Current(outcome, now, scheduledAt),
                    Details = new PrefectOrchestrationDetails
                    {
                        Type = PrefectOrchestrationDetails.WaitType,
                        DelaySeconds = Math.Max(0, outcome.WaitSeconds ?? 0),
                        Reason = outcome.Reason,
                    },
                };

            case CommandStatus.Rejected:
                return Result(PrefectSetStateStatus.Reject, Current(outcome, now, scheduledAt), PrefectOrchestrationDetails.RejectType, outcome.Reason);

            case CommandStatus.Aborted:
                return Result(PrefectSetStateStatus.Abort, Current(outcome, now, scheduledAt), PrefectOrchestrationDetails.AbortType, outcome.Reason);

            default:
                throw new ArgumentOutOfRangeException(nameof(outcome), outcome.Status, "not a command status");
        }
    }

    /// <summary>The run's unchanged state, as Prefect returns it when it does not accept a proposal; null when no task was found.</summary>
    static PrefectState? Current(CommandOutcome outcome, DateTimeOffset now, DateTimeOffset? scheduledAt)
    {
        if (outcome.TaskStatus is not { } status)
            return null;
        var type = PrefectStateType.From(status);
        return new PrefectState
        {
            Type = type,
            Name = DefaultName(type),
            Timestamp = now,
            StateDetails = new PrefectStateDetails { ScheduledTime = status == TaskRunStatus.Scheduled ? scheduledAt : null },
        };
    }

    static PrefectOrchestrationResult Result(string status, PrefectState? state, string detailsType, string? reason) => new()
    {
        Status = status,
        State = state,
        Details = new PrefectOrchestrationDetails { Type = detailsType, Reason = reason },
    };

    /// <summary>Prefect names a state after its type when nobody gave it a name: RUNNING is "Running".</summary>
    static string DefaultName(string type) =>
        type.Length == 0 ? type : string.Concat(type[..1].ToUpperInvariant(), type[1..].ToLowerInvariant());
}
