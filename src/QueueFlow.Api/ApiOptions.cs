using System.ComponentModel.DataAnnotations;
using QueueFlow.Api.Security;

namespace QueueFlow.Api;

/// <summary>The <c>Api</c> configuration section.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Callers by name, each with its key and role. Empty means no one can call the API.</summary>
    public Dictionary<string, ApiKeyOptions> Keys { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Serve the OpenAPI document and the API reference page without a key, so a browser can open the page. Off by
    /// default: both then need a reader key like any read (a client generator or curl sends it).
    /// </summary>
    public bool PublicContract { get; init; }

    /// <summary>Largest request body read, in bytes; a larger one is answered 413.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>How long a command waits for the job saga's outcome before answering 504.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
