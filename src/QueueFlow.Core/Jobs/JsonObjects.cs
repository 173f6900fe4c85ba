using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QueueFlow.Core.Jobs;

/// <summary>The JSON object operations the job rules need: parse, shallow merge, measure.</summary>
public static class JsonObjects
{
    public static JsonObject Parse(string json) => JsonNode.Parse(json) as JsonObject ?? [];

    /// <summary>Keys of <paramref name="patch"/> replace those of <paramref name="target"/>; other keys are kept.</summary>
    public static string Merge(string target, JsonElement patch)
    {
        var merged = Parse(target);
        foreach (var property in patch.EnumerateObject())
            merged[property.Name] = JsonNode.Parse(property.Value.GetRawText());
        return merged.ToJsonString();
    }

    /// <summary>Size in bytes as UTF-8 JSON, the unit the output limit is stated in.</summary>
    public static int Utf8Size(JsonElement element) => Encoding.UTF8.GetByteCount(element.GetRawText());
}
