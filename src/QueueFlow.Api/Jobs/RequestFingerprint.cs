using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QueueFlow.Api.Jobs;

/// <summary>
/// The fingerprint an Idempotency-Key is stored with: SHA-256 of the parsed request written canonically (object
/// members sorted by name, no whitespace). A retry that differs only in formatting or member order is the same
/// request; any change of value is another one.
/// </summary>
public static class RequestFingerprint
{
    public static byte[] Of<T>(T request, JsonSerializerOptions options)
    {
        var canonical = Canonical(JsonSerializer.SerializeToNode(request, options));
        return SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(canonical, options));
    }

    static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Canonical)]),
        _ => node?.DeepClone(),
    };
}
