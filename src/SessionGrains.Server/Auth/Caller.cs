using System.Text;

namespace SessionGrains.Server.Auth;

/// <summary>Who a presented key belongs to: the operator (the admin key) or one site (a live site key).</summary>
public sealed record Caller
{
    // The site id as grain keys hold it (UTF-8), so the gateway's guard compares a call's target without allocating.
    private byte[] _siteIdUtf8 = [];

    public static Caller Admin { get; } = new() { IsAdmin = true };

    public bool IsAdmin { get; private init; }

    /// <summary>The site a site key belongs to; null for the admin key.</summary>
    public string? SiteId { get; private init; }

    public static Caller Site(string siteId) => new() { SiteId = siteId, _siteIdUtf8 = Encoding.UTF8.GetBytes(siteId) };

    /// <summary>True for a site key of the site whose id is <paramref name="siteIdUtf8"/> (UTF-8).</summary>
    public bool IsSite(ReadOnlySpan<byte> siteIdUtf8) => SiteId is not null && siteIdUtf8.SequenceEqual(_siteIdUtf8);
}
