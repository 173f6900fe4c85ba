using System.Text.Json;

namespace QueueFlow.Core.Adapters;

/// <summary>What the adapters need to move JSON between the stored job (strings) and the wire (elements).</summary>
internal static class WireJson
{
    /// <summary>Stored JSON as an element that outlives its document; null for null or blank text.</summary>
    public static JsonElement? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return null;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>Absent and JSON null are the same to every seed: "not given".</summary>
    public static bool IsAbsent(JsonElement? element) => element is null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined };

    public static string KindName(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();

    /// <summary>Itential and Cognite put times on the wire as milliseconds since the Unix epoch.</summary>
    public static long? EpochMilliseconds(DateTimeOffset? at) => at?.ToUnixTimeMilliseconds();
}
