using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>
/// Carries a <see cref="SessionNotice"/> from the request that signed the user out to the page that explains it
/// (usually the sign-in page, after a redirect): in the request's items, and in a short-lived, data-protected cookie.
/// </summary>
internal sealed class SessionNotices(IDataProtectionProvider dataProtection, IOptionsMonitor<SessionGateOptions> options)
{
    private static readonly object ItemKey = new();
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly IDataProtector _protector = dataProtection.CreateProtector("SessionGrains.AspNetCore.SessionNotice");

    public void Post(HttpContext context, SessionNotice notice)
    {
        context.Items[ItemKey] = notice;
        var payload = _protector.Protect(JsonSerializer.Serialize(notice, SessionNoticeJson.Default.SessionNotice));
        context.Response.Cookies.Append(options.CurrentValue.NoticeCookieName, payload, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            IsEssential = true,
            MaxAge = Lifetime,
        });
    }

    public SessionNotice? Take(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var posted) && posted is SessionNotice notice)
        {
            context.Items.Remove(ItemKey);
            Delete(context);
            return notice;
        }

        var name = options.CurrentValue.NoticeCookieName;
        if (!context.Request.Cookies.TryGetValue(name, out var payload))
        {
            return null;
        }

        Delete(context);
        try
        {
            return JsonSerializer.Deserialize(_protector.Unprotect(payload), SessionNoticeJson.Default.SessionNotice);
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException)
        {
            // A stale or forged cookie: there is nothing to tell.
            return null;
        }
    }

    private void Delete(HttpContext context) => context.Response.Cookies.Delete(options.CurrentValue.NoticeCookieName);
}
