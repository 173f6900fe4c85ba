using System.ComponentModel.DataAnnotations;

namespace QueueFlow.Dashboard;

/// <summary>The <c>Dashboard</c> section: whether the host maps the dashboard, where, and which API it reads.</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>Mapped by default; <c>Dashboard__Enabled=false</c> leaves the host with the API alone.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The path the pages live under.</summary>
    [Required]
    [RegularExpression("^/[A-Za-z0-9_/-]*[A-Za-z0-9_-]$")]
    public string Path { get; init; } = "/dashboard";

    /// <summary>
    /// The QueueFlow HTTP API to read and steer; null means the host serving the page (the worker's own API), so a
    /// dashboard in a host of its own sets this to any QueueFlow URL.
    /// </summary>
    public Uri? ApiUrl { get; init; }
}
