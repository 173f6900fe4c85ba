using System.Net;
using Microsoft.AspNetCore.Http;

namespace QueueFlow.Dashboard;

/// <summary>
/// Learns a key's role from the API itself, so the page shows only what the API will allow. The API has no
/// "who am I" route, so this asks in ways that change nothing: a read (401 for an unknown key), a pause of a job
/// that cannot exist (403 below operator, else 404) and the registration of an empty workflow (403 below admin,
/// else 400, refused by validation).
/// </summary>
static class RoleProbe
{
    public static async Task<string?> RoleOfAsync(HttpContext context, DashboardApi api, string key, CancellationToken cancellationToken)
    {
        var read = await api.GetAsync(context, key, "api/workflows", cancellationToken).ConfigureAwait(false);
        if (!read.Ok)
            return null;
        var operate = await api.PostAsync(context, key, $"api/jobs/{Guid.Empty}/pause", new { reason = "role probe" }, cancellationToken).ConfigureAwait(false);
        if (operate.Status == HttpStatusCode.Forbidden)
            return "reader";
        var administer = await api.PostAsync(context, key, "api/workflows", new { }, cancellationToken).ConfigureAwait(false);
        return administer.Status == HttpStatusCode.Forbidden ? "operator" : "admin";
    }
}
