using System.Net;
using System.Text.Json;

namespace QueueFlow.Dashboard;

/// <summary>One answer of the API: its status and JSON body (undefined when it had none).</summary>
public sealed record ApiAnswer(HttpStatusCode Status, JsonElement Body)
{
    public bool Ok => (int)Status is >= 200 and < 300;

    /// <summary>The problem's detail or title, for a page to show why the API refused.</summary>
    public string Problem =>
        Body.ValueKind == JsonValueKind.Object && (Body.TryGetProperty("detail", out var d) || Body.TryGetProperty("title", out d)) && d.ValueKind == JsonValueKind.String
            ? d.GetString()!
            : $"The API answered {(int)Status}.";
}
