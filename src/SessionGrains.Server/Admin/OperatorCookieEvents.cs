using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using SessionGrains.Server.Auth;

namespace SessionGrains.Server.Admin;

/// <summary>
/// Bounds an operator's sign-in: it ends <paramref name="lifetime"/> after the operator signed in, however busy they
/// kept it (the cookie's own expiry slides with every use), and as soon as the admin key it was made with is replaced.
/// </summary>
internal sealed partial class OperatorCookieEvents(AdminKey adminKey, TimeProvider clock, TimeSpan lifetime, ILogger<OperatorCookieEvents> logger)
    : CookieAuthenticationEvents
{
    // Both travel inside the cookie, under Data Protection: the browser sees neither.
    private const string SignedInAtItem = ".sessiongrains.signed-in";
    private const string AdminKeyClaim = "sessiongrains:admin-key";

    public override Task SigningIn(CookieSigningInContext context)
    {
        // Stamped once, at sign-in; a sliding renewal carries the properties over unchanged.
        context.Properties.Items[SignedInAtItem] = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        if (context.Principal?.Identity is ClaimsIdentity identity)
        {
            identity.AddClaim(new Claim(AdminKeyClaim, adminKey.Fingerprint));
        }

        return base.SigningIn(context);
    }

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        if (Refusal(context) is { } reason)
        {
            LogSignedOut(logger, reason);
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(context.Scheme.Name);
            return;
        }

        await base.ValidatePrincipal(context);
    }

    private string? Refusal(CookieValidatePrincipalContext context)
    {
        if (!adminKey.HasFingerprint(context.Principal?.FindFirst(AdminKeyClaim)?.Value))
        {
            return "the admin key has changed since the operator signed in";
        }

        if (!context.Properties.Items.TryGetValue(SignedInAtItem, out var stamp)
            || !DateTimeOffset.TryParseExact(stamp, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var signedInAt))
        {
            return "the sign-in carries no time";
        }

        return clock.GetUtcNow() - signedInAt >= lifetime ? "the sign-in is older than the operators' sign-in lifetime" : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "An operator was signed out of the admin UI: {Reason}")]
    private static partial void LogSignedOut(ILogger logger, string reason);
}
