using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

namespace QueueFlow.Dashboard;

/// <summary>
/// The signed-in user: the API key they typed and the role the API gave it. Kept in one data-protected, HTTP-only,
/// SameSite=Strict cookie (Secure over HTTPS), so script on the page can never read the key and another site can never
/// send it along.
/// </summary>
public sealed record DashboardSession(string Key, string Role)
{
    public const string CookieName = "qf-dashboard";
    const string Purpose = "QueueFlow.Dashboard.Session.v1";

    /// <summary>Operators and admins may act on jobs; readers only look.</summary>
    public bool CanOperate => Role is "operator" or "admin";

    public bool CanAdminister => Role is "admin";

    public static DashboardSession? Read(HttpContext context, IDataProtectionProvider protection)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(protection);
        if (!context.Request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value))
            return null;
        try
        {
            var text = protection.CreateProtector(Purpose).Unprotect(value);
            var split = text.IndexOf('\n', StringComparison.Ordinal);
            return split <= 0 ? null : new DashboardSession(text[(split + 1)..], text[..split]);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // A cookie from another key ring or one tampered with is no session: sign in again.
            return null;
        }
    }

    public void Write(HttpContext context, IDataProtectionProvider protection, string path)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(protection);
        var value = protection.CreateProtector(Purpose).Protect($"{Role}\n{Key}");
        context.Response.Cookies.Append(CookieName, value, CookieOptions(context, path));
    }

    public static void Clear(HttpContext context, string path)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Cookies.Delete(CookieName, CookieOptions(context, path));
    }

    static CookieOptions CookieOptions(HttpContext context, string path) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = path,
        IsEssential = true,
    };
}
