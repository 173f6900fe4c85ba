using System.Text.Json;
using System.Text.Json.Nodes;

namespace QueueFlow.Persistence.Workflows;

/// <summary>Canonical forms of a workflow document, for storing it as jsonb and for comparing registrations.</summary>
internal static class WorkflowDocuments
{
    // The parser tolerates comments and trailing commas; jsonb does not, so documents are stored re-serialized.
    private static readonly JsonDocumentOptions ReadOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static JsonObject Parse(string document) =>
        JsonNode.Parse(document, documentOptions: ReadOptions) as JsonObject
        ?? throw new ArgumentException("A workflow document must be a JSON object.", nameof(document));

    public static string ToStorage(JsonObject document) => document.ToJsonString();

    /// <summary>
    /// Same definition, ignoring formatting, property order and the top-level version: a document
    /// registered without a version matches the newest one even when that one was registered with its number.
    /// </summary>
    public static bool AreSame(JsonObject left, JsonObject right) =>
        JsonNode.DeepEquals(WithoutVersion(left), WithoutVersion(right));

    private static JsonObject WithoutVersion(JsonObject document)
    {
        var copy = (JsonObject)document.DeepClone();
        copy.Remove("version");
        return copy;
    }
}
