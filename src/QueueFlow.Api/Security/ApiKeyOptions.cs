namespace QueueFlow.Api.Security;

/// <summary>One caller of the API: <c>Api:Keys:&lt;name&gt;:Key</c> and <c>:Role</c>.</summary>
public sealed class ApiKeyOptions
{
    public string Key { get; init; } = string.Empty;

    /// <summary>One of <see cref="ApiRoles"/>.</summary>
    public string Role { get; init; } = string.Empty;
}
