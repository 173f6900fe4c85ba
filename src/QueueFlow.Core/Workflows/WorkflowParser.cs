using System.Text.Json;
using System.Text.Json.Nodes;
using QueueFlow.Core.Jobs;
using QueueFlow.Core.Json;

namespace QueueFlow.Core.Workflows;

/// <summary>
/// Reads a workflow definition document and validates it, collecting every error rather than
/// stopping at the first, so an author can fix a definition in one pass.
/// </summary>
/// <remarks>
/// Transitions come either as a list (<c>[{"from","to","state"}]</c>) or in Itential's map shape
/// (<c>{"from": {"to": {"type", "state"}}}</c>); both mean the same graph.
/// </remarks>
public static class WorkflowParser
{
    public const int MaxIdLength = 255;

    /// <summary>The longest workflow name, queue name or child workflow name: each is stored in a varchar(255) column.</summary>
    public const int MaxNameLength = 255;
    public const int MaxRetries = 10;

    static readonly HashSet<string> TopLevelFields = ["name", "version", "description", "maxIterations", "deadlineSeconds", "onDeadline", "tasks", "transitions"];
    static readonly HashSet<string> TaskFields =
    [
        "id", "kind", "queue", "input", "retries", "timeoutSeconds", "heartbeatTimeoutSeconds", "retryOnTimeout",
        "retryDelaySeconds", "retryBackoffMultiplier", "maxRetryDelaySeconds", "retryJitter", "onFailure", "description",
        "workflow", "version",
    ];

    public static WorkflowParseResult Parse(string json)
    {
        // Before parsing: a JsonObject with a key twice throws when it is read, and the definition would be ambiguous; a
        // string no reader can keep would fail the definition's write.
        if (JsonDefects.Find(json, allowComments: true) is { } defect)
            return WorkflowParseResult.Invalid($"{(defect.Path.StartsWith("$.", StringComparison.Ordinal) ? defect.Path[2..] : defect.Path[1..])}: {defect.Problem}");

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            return WorkflowParseResult.Invalid($"malformed JSON: {ex.Message}");
        }

        return Parse(root);
    }

    public static WorkflowParseResult Parse(JsonNode? root)
    {
        if (root is not JsonObject document)
            return WorkflowParseResult.Invalid("a workflow definition must be a JSON object");

        var errors = new List<string>();
        foreach (var (key, _) in document)
        {
            if (!TopLevelFields.Contains(key))
                errors.Add($"{key}: unknown field");
        }

        var name = ReadString(document, "name", "name", errors, required: true, MaxNameLength);
        int? version = null;
        if (document["version"] is { } versionNode)
        {
            if (versionNode.GetValueKind() == JsonValueKind.Number && versionNode.AsValue().TryGetValue(out int v) && v >= 1)
                version = v;
            else
                errors.Add("version: must be a whole number of at least 1");
        }

        var maxIterations = ReadInt(document, "maxIterations", "maxIterations", 1, 10_000, errors) ?? WorkflowDefinition.DefaultMaxIterations;
        var deadline = ReadInt(document, "deadlineSeconds", "deadlineSeconds", 1, int.MaxValue, errors);
        var onDeadline = ReadString(document, "onDeadline", "onDeadline", errors, required: false) switch
        {
            null or "failJob" => DeadlineAction.FailJob,
            "cancelJob" => DeadlineAction.CancelJob,
            var other => Invalid(errors, $"onDeadline: '{other}' is not one of failJob, cancelJob", DeadlineAction.FailJob),
        };
        var tasks = ReadTasks(document["tasks"], errors, out var taskPaths);
        var transitions = ReadTransitions(document["transitions"], errors, out var transitionPaths, out var allTransitionsRead);

        // The graph is checked even when fields are wrong, so one answer lists every error; an error the validator
        // would only repeat (a wrong queue type is also a missing queue) is left out.
        var definition = new WorkflowDefinition(name ?? string.Empty, version, tasks, transitions, maxIterations, Seconds(deadline), onDeadline);
        var errorPaths = errors.Select(PathOf).ToHashSet(StringComparer.Ordinal);
        errors.AddRange(WorkflowValidator.Validate(definition, taskPaths, transitionPaths, allTransitionsRead)
            .Where(e => !Repeats(PathOf(e), errorPaths)));
        return errors.Count > 0 || name is null ? new WorkflowParseResult(null, errors) : new WorkflowParseResult(definition, []);
    }

    static string PathOf(string error) => error[..Math.Max(0, error.IndexOf(": ", StringComparison.Ordinal))];

    /// <summary>Whether a validator error is about a field the reader already refused, or a task whose kind it refused.</summary>
    static bool Repeats(string path, HashSet<string> errorPaths)
    {
        if (errorPaths.Contains(path))
            return true;
        var dot = path.LastIndexOf('.');
        return dot > 0 && path.StartsWith("tasks[", StringComparison.Ordinal) && path[(dot + 1)..] is "queue" or "workflow"
            && errorPaths.Contains(path[..dot] + ".kind");
    }

    static List<TaskDefinition> ReadTasks(JsonNode? node, List<string> errors, out List<string> paths)
    {
        var tasks = new List<TaskDefinition>();
        paths = [];
        if (node is not JsonArray array)
        {
            errors.Add("tasks: required, a list of task objects");
            return tasks;
        }

        for (var i = 0; i < array.Count; i++)
        {
            var path = $"tasks[{i}]";
            if (array[i] is not JsonObject task)
            {
                errors.Add($"{path}: must be an object");
                continue;
            }

            foreach (var (key, _) in task)
            {
                if (!TaskFields.Contains(key))
                    errors.Add($"{path}.{key}: unknown field");
            }

            var id = ReadString(task, "id", $"{path}.id", errors, required: true);
            var kind = TaskKind.Worker;
            var kindText = ReadString(task, "kind", $"{path}.kind", errors, required: false);
            if (kindText is not null && !Enum.TryParse(kindText, ignoreCase: true, out kind))
                errors.Add($"{path}.kind: '{kindText}' is not one of worker, manual, workflow");

            var queue = ReadString(task, "queue", $"{path}.queue", errors, required: false, MaxNameLength);
            var childWorkflow = ReadString(task, "workflow", $"{path}.workflow", errors, required: false, MaxNameLength);
            var childVersion = ReadInt(task, "version", $"{path}.version", 1, int.MaxValue, errors);
            var retries = ReadInt(task, "retries", $"{path}.retries", 0, MaxRetries, errors) ?? 0;
            var timeout = ReadInt(task, "timeoutSeconds", $"{path}.timeoutSeconds", 1, int.MaxValue, errors);
            var onFailure = ReadFailurePolicy(task, $"{path}.onFailure", errors);
            var heartbeat = ReadInt(task, "heartbeatTimeoutSeconds", $"{path}.heartbeatTimeoutSeconds", 1, int.MaxValue, errors);
            var retryDelay = ReadInt(task, "retryDelaySeconds", $"{path}.retryDelaySeconds", 0, 86_400, errors);
            var maxRetryDelay = ReadInt(task, "maxRetryDelaySeconds", $"{path}.maxRetryDelaySeconds", 0, 86_400, errors);
            var multiplier = ReadNumber(task, "retryBackoffMultiplier", $"{path}.retryBackoffMultiplier", 1, 10, errors);
            var jitter = ReadNumber(task, "retryJitter", $"{path}.retryJitter", 0, 1, errors);
            var retryOnTimeout = ReadBool(task, "retryOnTimeout", $"{path}.retryOnTimeout", errors);
            if (id is null)
                continue;

            paths.Add(path);
            tasks.Add(new TaskDefinition
            {
                Id = id,
                Kind = kind,
                Queue = queue,
                Workflow = childWorkflow,
                WorkflowVersion = childVersion,
                Input = task["input"]?.DeepClone(),
                Retries = retries,
                Timeout = Seconds(timeout),
                HeartbeatTimeout = Seconds(heartbeat),
                RetryOnTimeout = retryOnTimeout ?? true,
                RetryDelay = Seconds(retryDelay) ?? TimeSpan.FromSeconds(1),
                MaxRetryDelay = Seconds(maxRetryDelay) ?? TimeSpan.FromMinutes(5),
                RetryBackoffMultiplier = multiplier ?? 2,
                RetryJitter = jitter ?? 0.1,
                OnFailure = onFailure,
            });
        }

        return tasks;
    }

    static List<TransitionDefinition> ReadTransitions(JsonNode? node, List<string> errors, out List<TransitionPath> paths, out bool allRead)
    {
        var transitions = new List<TransitionDefinition>();
        paths = [];
        allRead = true;
        switch (node)
        {
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var path = $"transitions[{i}]";
                    if (array[i] is not JsonObject edge)
                    {
                        errors.Add($"{path}: must be an object with from, to and state");
                        allRead = false;
                        continue;
                    }

                    var from = ReadString(edge, "from", $"{path}.from", errors, required: true);
                    var to = ReadString(edge, "to", $"{path}.to", errors, required: true);
                    var state = ReadString(edge, "state", $"{path}.state", errors, required: false, FinishStates.MaxLength) ?? TransitionDefinition.Success;
                    if (from is not null && to is not null)
                    {
                        paths.Add(TransitionPath.InList(i));
                        transitions.Add(new TransitionDefinition(from, to, state));
                    }
                    else
                    {
                        allRead = false;
                    }
                }

                break;
            case JsonObject map:
                foreach (var (from, targets) in map)
                {
                    if (targets is not JsonObject targetMap)
                    {
                        errors.Add($"transitions.{from}: must map target task ids to {{type, state}}");
                        allRead = false;
                        continue;
                    }

                    foreach (var (to, edgeNode) in targetMap)
                    {
                        var state = edgeNode is JsonObject edge
                            ? ReadString(edge, "state", $"transitions.{from}.{to}.state", errors, required: false, FinishStates.MaxLength)
                            : null;
                        paths.Add(TransitionPath.InMap(from, to));
                        transitions.Add(new TransitionDefinition(from, to, state ?? TransitionDefinition.Success));
                    }
                }

                break;
            default:
                errors.Add("transitions: required, a list of {from, to, state} or Itential's {from: {to: {state}}} map");
                allRead = false;
                break;
        }

        return transitions;
    }

    /// <summary>QueueFlow's names, plus Cognite's abortWorkflow and skipTask for the same policies.</summary>
    static FailurePolicy ReadFailurePolicy(JsonObject task, string path, List<string> errors)
    {
        var text = ReadString(task, "onFailure", path, errors, required: false);
        switch (text?.ToUpperInvariant())
        {
            case null or "FAILJOB" or "ABORTWORKFLOW":
                return FailurePolicy.FailJob;
            case "ERRORTRANSITION":
                return FailurePolicy.ErrorTransition;
            case "CONTINUE" or "SKIPTASK":
                return FailurePolicy.Continue;
            default:
                errors.Add($"{path}: '{text}' is not one of failJob, errorTransition, continue (or Cognite's abortWorkflow, skipTask)");
                return FailurePolicy.FailJob;
        }
    }

    static string? ReadString(JsonObject owner, string field, string path, List<string> errors, bool required, int maxLength = int.MaxValue)
    {
        var node = owner[field];
        if (node is null)
        {
            if (required)
                errors.Add($"{path}: required");
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            errors.Add($"{path}: must be a string, not {node.GetValueKind().ToString().ToLowerInvariant()}");
            return null;
        }

        var value = node.GetValue<string>();
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{path}: must not be empty");
            return null;
        }

        if (value.Length > maxLength)
        {
            errors.Add($"{path}: must be at most {maxLength} characters, not {value.Length}");
            return null;
        }

        return value;
    }

    static TimeSpan? Seconds(int? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;

    static T Invalid<T>(List<string> errors, string error, T fallback)
    {
        errors.Add(error);
        return fallback;
    }

    static double? ReadNumber(JsonObject owner, string field, string path, double min, double max, List<string> errors)
    {
        var node = owner[field];
        if (node is null)
            return null;
        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue(out double value) && value >= min && value <= max)
            return value;

        errors.Add($"{path}: must be a number from {min} to {max}");
        return null;
    }

    static bool? ReadBool(JsonObject owner, string field, string path, List<string> errors)
    {
        var node = owner[field];
        if (node is null)
            return null;
        if (node.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            return node.GetValue<bool>();

        errors.Add($"{path}: must be true or false");
        return null;
    }

    static int? ReadInt(JsonObject owner, string field, string path, int min, int max, List<string> errors)
    {
        var node = owner[field];
        if (node is null)
            return null;
        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue(out int value) && value >= min && value <= max)
            return value;

        errors.Add(max == int.MaxValue ? $"{path}: must be a whole number of at least {min}" : $"{path}: must be a whole number from {min} to {max}");
        return null;
    }
}
