namespace SessionGrains.Server.RateLimits;

/// <summary>The server's rate limits (configuration section <c>SessionGrains:RateLimits</c>), all registered by <see cref="RateLimitRegistration"/>.</summary>
public sealed class RateLimitOptions
{
    public const int MaxPerPeriod = 1_000_000;

    /// <summary>Sign-ins one site's keys may send per second, on average (the admin key is not limited).</summary>
    public int SiteOpensPerSecond { get; set; } = 100;

    /// <summary>Sign-ins one site's keys may send at once before the average applies.</summary>
    public int SiteOpenBurst { get; set; } = 1000;

    /// <summary>Wrong API keys one client network may send in a minute; past it, it is refused until the minute is over.</summary>
    public int AuthFailuresPerMinute { get; set; } = 30;

    /// <summary>Wrong admin keys one client network may type into the admin UI's sign-in page in a minute.</summary>
    public int SignInFailuresPerMinute { get; set; } = 10;

    public IEnumerable<string> Validate(string section)
    {
        foreach (var (name, value) in new[]
        {
            (nameof(SiteOpensPerSecond), SiteOpensPerSecond),
            (nameof(SiteOpenBurst), SiteOpenBurst),
            (nameof(AuthFailuresPerMinute), AuthFailuresPerMinute),
            (nameof(SignInFailuresPerMinute), SignInFailuresPerMinute),
        })
        {
            if (value is < 1 or > MaxPerPeriod)
            {
                yield return $"{section}:{name} must be a whole number from 1 to {MaxPerPeriod}.";
            }
        }

        if (SiteOpenBurst < SiteOpensPerSecond)
        {
            yield return $"{section}:{nameof(SiteOpenBurst)} must be at least {nameof(SiteOpensPerSecond)}.";
        }
    }
}
