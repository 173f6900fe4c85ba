using System.Text.Json;

namespace QueueFlow.Api.Workflows;

/// <summary>
/// The answer to <c>GET /api/workflows/{name}</c> and <c>/versions/{version}</c>: the definition as it was registered
/// (the same JSON, without comments or trailing commas; without a <c>version</c> field if it was registered without one).
/// </summary>
public sealed record WorkflowDocument(string Name, int Version, DateTimeOffset RegisteredAt, JsonElement Definition);
