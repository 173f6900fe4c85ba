using System.Text.Json;
using System.Text.Json.Nodes;

namespace QueueFlow.Persistence.DeadLetters;

/// <summary>Reads what it can from a dead letter's body, which may be plain JSON, MassTransit's envelope or not JSON at all.</summary>
public static class DeadLetterBodies
{
    /// <summary>The message itself: the envelope's <c>message</c> when the body is MassTransit's envelope, else the body; null when it is not JSON.</summary>
    public static JsonNode? Message(string body)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }

        return node is JsonObject envelope && envelope["messageType"] is JsonArray && envelope["message"] is JsonObject inner ? inner.DeepClone() : node;
    }

    /// <summary>The job id and task id the message names, where they can be read.</summary>
    public static (Guid? JobId, string? TaskId) Ids(string body)
    {
        if (Message(body) is not JsonObject message)
            return (null, null);
        Guid? jobId = Text(message, "jobId") is { } job && Guid.TryParse(job, out var parsed) ? parsed : null;
        var taskId = Text(message, "taskId") ?? Text(message, "fromTask") ?? Text(message, "toTask");
        return (jobId, taskId is { Length: <= 255 } ? taskId : null);
    }

    /// <summary>The envelope's own message type (first entry), when the body is MassTransit's envelope.</summary>
    public static string? EnvelopeType(string body)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject envelope && envelope["messageType"] is JsonArray { Count: > 0 } types
                ? StringOf(types[0]) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static string? Text(JsonObject message, string name) => StringOf(message[name]);

    /// <summary>
    /// The node's string, or null: also for a string escaped as half of a surrogate pair (<c>"\ud800"</c>), which
    /// System.Text.Json parses but refuses to read as a string. Such a message must still be stored, not stop its queue.
    /// </summary>
    static string? StringOf(JsonNode? node)
    {
        try
        {
            return node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
