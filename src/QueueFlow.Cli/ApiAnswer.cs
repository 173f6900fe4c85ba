using System.Net;
using System.Text.Json;

namespace QueueFlow.Cli;

/// <summary>One HTTP answer: its status and JSON body (a problem's body when it failed), or why there was none.</summary>
public sealed record ApiAnswer(HttpStatusCode? Status, JsonElement Body, string? TransportError)
{
    public bool Ok => Status is { } status && (int)status is >= 200 and < 300;

    /// <summary>The exit code this answer means when it is not OK.</summary>
    public int ExitCode => Status switch
    {
        null => ExitCodes.Unavailable,
        HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType or HttpStatusCode.RequestEntityTooLarge => ExitCodes.Invalid,
        HttpStatusCode.NotFound => ExitCodes.NotFound,
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ExitCodes.Unauthorized,
        HttpStatusCode.Conflict => ExitCodes.Conflict,
        _ when Ok => ExitCodes.Ok,
        _ => ExitCodes.Unavailable,
    };

    /// <summary>What went wrong, in one line: the problem's detail when the server gave one.</summary>
    public string Error => TransportError
        ?? (Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("detail", out var detail) ? detail.GetString() : null)
        ?? $"HTTP {(int)Status!.Value}";
}
