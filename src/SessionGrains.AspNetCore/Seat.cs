using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;

namespace SessionGrains.AspNetCore;

/// <summary>The seat a signed-in user holds, carried in their authentication cookie as two claims.</summary>
public readonly record struct Seat(string SiteId, SessionId SessionId)
{
    public const string SiteClaimType = "sessiongrains:site";
    public const string SessionClaimType = "sessiongrains:session";

    public static bool TryRead(ClaimsPrincipal? principal, [NotNullWhen(true)] out Seat? seat)
    {
        seat = null;
        var site = principal?.FindFirst(SiteClaimType)?.Value;
        var session = principal?.FindFirst(SessionClaimType)?.Value;
        if (site is null || !SessionId.TryParse(session, out var sessionId))
        {
            return false;
        }

        seat = new Seat(site, sessionId);
        return true;
    }

    /// <summary>Puts this seat on the principal's identity, replacing any seat it held.</summary>
    public void WriteTo(ClaimsPrincipal principal)
    {
        var identity = principal.Identities.FirstOrDefault(i => i.IsAuthenticated)
            ?? throw new InvalidOperationException("The principal has no authenticated identity to carry a seat.");
        foreach (var old in identity.FindAll(c => c.Type is SiteClaimType or SessionClaimType).ToList())
        {
            identity.RemoveClaim(old);
        }

        identity.AddClaim(new Claim(SiteClaimType, SiteId));
        identity.AddClaim(new Claim(SessionClaimType, SessionId.ToString()));
    }
}
