namespace SessionGrains.Server.Auth;

/// <summary>What an authenticated API key may act as.</summary>
public static class ApiClaims
{
    public const string Scheme = "ApiKey";

    /// <summary>Claim type: <see cref="Admin"/> or <see cref="Site"/>.</summary>
    public const string Role = "sessiongrains:role";

    public const string Admin = "admin";

    public const string Site = "site";

    /// <summary>Claim type: the one site a site key belongs to.</summary>
    public const string SiteId = "sessiongrains:site";

    public static bool IsAdmin(this System.Security.Claims.ClaimsPrincipal user) => user.HasClaim(Role, Admin);
}
