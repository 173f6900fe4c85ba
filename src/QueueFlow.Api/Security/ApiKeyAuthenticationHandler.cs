using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace QueueFlow.Api.Security;

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header, or an <c>Authorization: Bearer</c> token, against
/// <see cref="ApiOptions.Keys"/>. The bearer form is there for the seed systems' clients (Camunda's and Prefect's
/// send their credential that way); the token is the same API key, not a JWT. The principal's name is the key's
/// configured name, never the key itself, so nothing downstream can log a secret by accident.
/// </summary>
public sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<ApiOptions> apiOptions,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    const string BearerPrefix = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (PresentedKey() is not { } token)
            return Task.FromResult(AuthenticateResult.NoResult());

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        foreach (var (name, key) in apiOptions.CurrentValue.Keys)
        {
            if (string.IsNullOrEmpty(key.Key) || !ApiRoles.IsKnown(key.Role))
                continue;

            // Hashes have equal length, so the comparison takes the same time however much of the key matches.
            if (!CryptographicOperations.FixedTimeEquals(presented, SHA256.HashData(Encoding.UTF8.GetBytes(key.Key))))
                continue;

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, key.Role)], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }

        // The path and the caller's address, never the key: a mistyped key is often one character off a real one.
        LogUnknownKey(Logger, Request.Method, Request.Path, Context.Connection.RemoteIpAddress?.ToString());
        return Task.FromResult(AuthenticateResult.Fail("The API key names no configured key."));
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "API authentication failed: {Method} {Path} from {RemoteAddress} presented a key that names no configured key")]
    static partial void LogUnknownKey(ILogger logger, string method, PathString path, string? remoteAddress);

    /// <summary>X-Api-Key when present (it is the API's own header), else the token of <c>Authorization: Bearer</c>.</summary>
    string? PresentedKey()
    {
        if (Request.Headers.TryGetValue(HeaderName, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]))
            return values[0];
        var authorization = Request.Headers.Authorization.ToString();
        if (authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) && authorization.Length > BearerPrefix.Length)
            return authorization[BearerPrefix.Length..].Trim();
        return null;
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await WriteProblemAsync("Unauthorized", PresentedKey() is not null
            ? "The API key (X-Api-Key header or Bearer token) names no configured key."
            : "Send an API key in the X-Api-Key header or as a Bearer token in the Authorization header.").ConfigureAwait(false);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var role = Context.User.FindFirstValue(ClaimTypes.Role);
        await WriteProblemAsync("Forbidden", $"The key's role '{role}' may not {Request.Method} {Request.Path}.").ConfigureAwait(false);
    }

    Task WriteProblemAsync(string title, string detail) =>
        problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = Response.StatusCode, Title = title, Detail = detail },
        }).AsTask();
}
