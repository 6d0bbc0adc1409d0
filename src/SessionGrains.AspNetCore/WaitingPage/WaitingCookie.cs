using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>
/// Keeps a queued user's place between the sign-in and the moment their seat is free: who they are (the principal
/// the app signed in, and its properties) and their ticket, data-protected like the sign-in cookie itself, so the
/// waiting page can sign them in without asking for the password again. Strict same-site, so no other site can make
/// the browser use it (to leave the line, say).
/// </summary>
internal sealed class WaitingCookie(IDataProtectionProvider dataProtection, IOptionsMonitor<SessionGateOptions> options)
{
    private const string TicketItem = ".sessiongrains.ticket";
    private const string SiteItem = ".sessiongrains.site";

    private readonly TicketDataFormat _format = new(dataProtection.CreateProtector("SessionGrains.AspNetCore.WaitingCookie"));

    public void Write(HttpContext context, ClaimsPrincipal principal, AuthenticationProperties? properties, SessionId ticketId)
    {
        var kept = properties?.Clone() ?? new AuthenticationProperties();
        kept.Items[TicketItem] = ticketId.ToString();
        kept.Items[SiteItem] = options.CurrentValue.SiteId;
        var payload = _format.Protect(new AuthenticationTicket(principal, kept, options.CurrentValue.AuthenticationScheme));
        context.Response.Cookies.Append(options.CurrentValue.WaitingCookieName, payload, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            IsEssential = true,
        });
    }

    /// <summary>The place kept in this browser for this site, or null (none, stale, forged, or for another site).</summary>
    public WaitingPlace? Read(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(options.CurrentValue.WaitingCookieName, out var payload)
            || _format.Unprotect(payload) is not { } ticket
            || !ticket.Properties.Items.TryGetValue(SiteItem, out var siteId) || siteId != options.CurrentValue.SiteId
            || !ticket.Properties.Items.TryGetValue(TicketItem, out var id) || !SessionId.TryParse(id, out var ticketId))
        {
            return null;
        }

        var properties = ticket.Properties.Clone();
        properties.Items.Remove(TicketItem);
        properties.Items.Remove(SiteItem);
        return new WaitingPlace(ticketId, ticket.Principal, properties);
    }

    public void Delete(HttpContext context) =>
        context.Response.Cookies.Delete(options.CurrentValue.WaitingCookieName, new CookieOptions { Secure = context.Request.IsHttps, SameSite = SameSiteMode.Strict });
}

/// <summary>A queued user's ticket, and the sign-in to complete once it is admitted.</summary>
internal sealed record WaitingPlace(SessionId TicketId, ClaimsPrincipal Principal, AuthenticationProperties Properties);
