namespace SessionGrains.Server.Auth;

/// <summary>Who a presented key belongs to: the operator (the admin key) or one site (a live site key).</summary>
public sealed record Caller
{
    public static Caller Admin { get; } = new() { IsAdmin = true };

    public bool IsAdmin { get; private init; }

    /// <summary>The site a site key belongs to; null for the admin key.</summary>
    public string? SiteId { get; private init; }

    public static Caller Site(string siteId) => new() { SiteId = siteId };
}
