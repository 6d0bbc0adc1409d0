using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace SessionGrains.AspNetCore;

/// <summary>How an app's cookie sign-ins map to seats: configuration section <c>SessionGrains</c>.</summary>
public sealed class SessionGateOptions
{
    public const string SectionName = "SessionGrains";

    /// <summary>The site whose seats this app's users take.</summary>
    public string SiteId { get; set; } = "";

    /// <summary>
    /// The site's key (<c>sgk_…</c>, issued by <c>POST /api/sites/{siteId}/keys</c> with the admin key). The Orleans client
    /// of <see cref="ServiceCollectionExtensions.AddSessionGrainsClient"/> sends it with every call, and the cluster lets
    /// the app do with it exactly what the key may do over HTTP: open, touch and end its own site's sessions, and read them.
    /// A secret: keep it out of source control, like a database password.
    /// </summary>
    public string SiteKey { get; set; } = "";

    /// <summary>The cookie authentication scheme to guard.</summary>
    public string AuthenticationScheme { get; set; } = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>
    /// A request within this time of the session's last touch does not touch it again, so busy pages cost no grain
    /// call. The site then sees activity up to this much late: keep it well below the site's idle timeout.
    /// </summary>
    public TimeSpan TouchInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A user whose session ended for idleness gets a new seat silently on their next request; only when the site
    /// is full by then are they signed out and told why.
    /// </summary>
    public bool ResumeAfterIdle { get; set; } = true;

    /// <summary>The claim that holds the user id; the identity's name is used when it is missing.</summary>
    public string UserIdClaimType { get; set; } = ClaimTypes.NameIdentifier;

    /// <summary>The short-lived cookie that carries "why you were signed out" to the next page.</summary>
    public string NoticeCookieName { get; set; } = ".SessionGrains.Notice";

    /// <summary>
    /// Where <c>MapWaitingPage</c> serves the waiting page, to which a sign-in on a full site that queues sends the
    /// user (<see cref="SeatSignInResult.WaitingPage"/>).
    /// </summary>
    public string WaitingPagePath { get; set; } = "/waiting-line";

    /// <summary>The cookie that keeps a queued user's place (and who they are) until their seat is free.</summary>
    public string WaitingCookieName { get; set; } = ".SessionGrains.Line";
}
