using System.Globalization;

namespace SessionGrains.Server.Admin;

/// <summary>How the admin UI writes settings, times and durations: short, and the same on every page.</summary>
public static class Display
{
    public static string Limit(int limit) => limit switch
    {
        SiteSettings.Unlimited => "unlimited",
        SiteSettings.Closed => "closed",
        _ => Number(limit),
    };

    public static string PerUserLimit(int limit) => limit == SiteSettings.Unlimited ? "none" : Number(limit);

    public static string Policy(FullSitePolicy policy) => policy switch
    {
        FullSitePolicy.EvictIdlest => "evict idlest",
        FullSitePolicy.Queue => "queue",
        _ => "deny",
    };

    public static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"1 change", "3 changes": the number and its noun, in the singular for one.</summary>
    public static string Count(int value, string noun) => $"{Number(value)} {noun}{(value == 1 ? string.Empty : "s")}";

    /// <summary>"45 s", "15 min", "1 h 30 min", "2 d 4 h": the two largest units that are not zero.</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        var parts = new List<string>(2);
        if (duration.Days > 0)
        {
            parts.Add($"{duration.Days} d");
        }

        if (duration.Hours > 0)
        {
            parts.Add($"{duration.Hours} h");
        }

        if (duration.Minutes > 0)
        {
            parts.Add($"{duration.Minutes} min");
        }

        if (duration.Seconds > 0 || parts.Count == 0)
        {
            parts.Add($"{duration.Seconds} s");
        }

        return string.Join(' ', parts.Take(2));
    }

    /// <summary>UTC, to the second; the date only when it is not today's.</summary>
    public static string Time(DateTimeOffset time, DateTimeOffset now)
    {
        var utc = time.ToUniversalTime();
        return utc.Date == now.UtcDateTime.Date
            ? utc.ToString("HH:mm:ss", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
    }

    public static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
