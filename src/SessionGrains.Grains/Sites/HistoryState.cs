namespace SessionGrains.Grains.Sites;

/// <summary>
/// A site's activity history as stored: apart from the site tables (<see cref="SiteHeader"/>), so admissions never write it, and written
/// about once a minute. Holds only the minutes in which something changed, at most one day of them.
/// </summary>
[GenerateSerializer]
public sealed record HistoryState
{
    /// <summary>Oldest first, at most one per minute.</summary>
    [Id(0)]
    public List<HistoryBucket> Buckets { get; set; } = [];

    /// <summary>The count at the end of the newest bucket that was dropped for age: the level before the first bucket.</summary>
    [Id(1)]
    public int ActiveBefore { get; set; }

    /// <summary>As <see cref="ActiveBefore"/>, for the tickets waiting. Rows stored before the line had a history read 0, which they held.</summary>
    [Id(2)]
    public int WaitingBefore { get; set; }
}

/// <summary>One minute in which the count or the line's length changed, a sign-in was refused, or the sign-in guard refused an attempt.</summary>
[GenerateSerializer]
public record struct HistoryBucket
{
    /// <summary>Minutes since the Unix epoch (UTC).</summary>
    [Id(0)]
    public int Minute { get; set; }

    /// <summary>The most sessions counted at once in this minute.</summary>
    [Id(1)]
    public int Peak { get; set; }

    /// <summary>The count at the end of this minute (so far): the level until the next bucket.</summary>
    [Id(2)]
    public int Last { get; set; }

    [Id(3)]
    public int Refusals { get; set; }

    /// <summary>Sign-in attempts the site's guard refused (blocked addresses and users).</summary>
    [Id(4)]
    public int GuardRefusals { get; set; }

    /// <summary>The most tickets in the waiting line at once in this minute. Appended: older rows read 0.</summary>
    [Id(5)]
    public int WaitingPeak { get; set; }

    /// <summary>The tickets waiting at the end of this minute (so far): the line's level until the next bucket.</summary>
    [Id(6)]
    public int WaitingLast { get; set; }
}
