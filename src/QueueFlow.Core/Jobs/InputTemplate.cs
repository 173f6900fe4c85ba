using System.Text.Json.Nodes;

namespace QueueFlow.Core.Jobs;

/// <summary>
/// Resolves a task's input template against the job: a string that is exactly <c>${variables.path}</c>
/// or <c>${tasks.id.output.path}</c> is replaced by the JSON value it names, wherever it stands.
/// </summary>
public static class InputTemplate
{
    /// <summary>The resolved input, or the first reference that names nothing.</summary>
    public static (JsonNode? Input, string? Error) Resolve(JsonNode? template, JsonObject variables, Func<string, JsonObject?> taskOutput)
    {
        string? error = null;
        var input = template?.DeepClone();
        if (input is JsonValue root)
            input = Replace(root);
        else
            Walk(input);
        return (error is null ? input : null, error);

        // Children are replaced in place; a node that stays keeps its parent.
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var key in obj.Select(p => p.Key).ToList())
                    {
                        if (obj[key] is JsonValue value)
                            obj[key] = Replace(value);
                        else
                            Walk(obj[key]);
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        if (array[i] is JsonValue value)
                            array[i] = Replace(value);
                        else
                            Walk(array[i]);
                    }

                    break;
            }
        }

        JsonNode? Replace(JsonValue value)
        {
            if (!value.TryGetValue(out string? text) || !IsReference(text))
                return value.DeepClone();

            var (resolved, problem) = Lookup(text[2..^1], variables, taskOutput);
            error ??= problem;
            return resolved;
        }
    }

    static bool IsReference(string text) => text.StartsWith("${", StringComparison.Ordinal) && text.EndsWith('}');

    static (JsonNode? Value, string? Error) Lookup(string reference, JsonObject variables, Func<string, JsonObject?> taskOutput)
    {
        var parts = reference.Split('.');
        JsonNode? current;
        int rest;
        if (parts is ["variables", _, ..])
        {
            current = variables;
            rest = 1;
        }
        else if (parts is ["tasks", var taskId, "output", ..])
        {
            current = taskOutput(taskId);
            if (current is null)
                return (null, $"input reference '${{{reference}}}' names task '{taskId}', which has no output yet");
            rest = 3;
        }
        else
        {
            return (null, $"input reference '${{{reference}}}' must start with 'variables.' or 'tasks.<id>.output'");
        }

        for (var i = rest; i < parts.Length; i++)
        {
            if (current is not JsonObject obj || !obj.TryGetPropertyValue(parts[i], out var next))
                return (null, $"input reference '${{{reference}}}' names nothing: '{string.Join('.', parts[..(i + 1)])}' is not set");
            current = next;
        }

        return (current?.DeepClone(), null);
    }
}
