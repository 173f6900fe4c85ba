using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace QueueFlow.Worker.Hosting;

/// <summary>
/// Writes /health as JSON with each check's status and description, so an operator sees which of the
/// database and the broker is down rather than a bare "Unhealthy". Exceptions are not written out:
/// their messages can carry connection details.
/// </summary>
public static class HealthResponseWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, durationMs = e.Value.Duration.TotalMilliseconds }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, JsonSerializerOptions.Web, context.RequestAborted);
    }
}
