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
/// Authenticates the <c>X-Api-Key</c> header, an <c>Authorization: Bearer</c> token or the password of
/// <c>Authorization: Basic</c> against <see cref="ApiOptions.Keys"/>. The other two forms are there for the seed
/// systems' clients: Cognite's and Prefect's send a bearer token, Itential Operations Manager's and Camunda's own
/// client (whose choices are none, Basic and OAuth) send Basic. Either way the credential is the same API key, not a
/// JWT; Basic's username is not checked, since the key alone says who calls. The principal's name is the key's
/// configured name, never the key itself, and failure messages never quote what was sent, so nothing can log a
/// secret by accident.
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
    const string BasicPrefix = "Basic ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (PresentedKey() is not { } token)
        {
            return Task.FromResult(IsBasic(Request.Headers.Authorization.ToString())
                ? AuthenticateResult.Fail("The Basic credentials are not base64 of username:password with an API key as the password.")
                : AuthenticateResult.NoResult());
        }

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

    /// <summary>
    /// X-Api-Key when present (it is the API's own header), else the token of <c>Authorization: Bearer</c>, else
    /// the password of <c>Authorization: Basic</c>; null when none is there or Basic's value cannot be read.
    /// </summary>
    string? PresentedKey()
    {
        if (Request.Headers.TryGetValue(HeaderName, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]))
            return values[0];
        var authorization = Request.Headers.Authorization.ToString();
        if (authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) && authorization.Length > BearerPrefix.Length)
            return authorization[BearerPrefix.Length..].Trim();
        if (IsBasic(authorization))
            return BasicPassword(authorization[BasicPrefix.Length..].Trim());
        return null;
    }

    static bool IsBasic(string authorization) => authorization.StartsWith(BasicPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The password of RFC 7617's <c>base64(user-id ":" password)</c>, UTF-8 (what every current client sends).</summary>
    static string? BasicPassword(string encoded)
    {
        var bytes = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(encoded, bytes, out var written))
            return null;

        string decoded;
        try
        {
            decoded = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && colon < decoded.Length - 1 ? decoded[(colon + 1)..] : null;
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = new(["Bearer", "Basic realm=\"QueueFlow\", charset=\"UTF-8\""]);
        var authorization = Request.Headers.Authorization.ToString();
        await WriteProblemAsync("Unauthorized", PresentedKey() is not null
            ? "The API key (X-Api-Key header, Bearer token or Basic password) names no configured key."
            : IsBasic(authorization)
                ? "The Basic credentials must be base64 of username:password (UTF-8), with an API key as the password."
                : "Send an API key in the X-Api-Key header, as a Bearer token, or as the password of Basic credentials in the Authorization header.").ConfigureAwait(false);
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
