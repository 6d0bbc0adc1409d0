namespace SessionGrains;

/// <summary>
/// A site's activity over the last 24 hours, one bucket a minute, oldest first: the most sessions counted at once
/// in each minute, the sign-ins refused in it, the attempts its sign-in guard refused, and the most tickets in its waiting line. Kept by the site and stored, so it survives restarts.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SiteHistory
{
    public static readonly TimeSpan BucketSize = TimeSpan.FromMinutes(1);

    public const int BucketCount = 24 * 60;

    /// <summary>The start of the first (oldest) bucket; the last one is the current minute.</summary>
    [Id(0)]
    public required DateTimeOffset From { get; init; }

    /// <summary>Per bucket: the peak of counted sessions (exempt ones take no seat and are not counted).</summary>
    [Id(1)]
    public required IReadOnlyList<int> Active { get; init; }

    /// <summary>Per bucket: sign-ins refused (site full, closed, or the user's own limit).</summary>
    [Id(2)]
    public required IReadOnlyList<int> Refusals { get; init; }

    /// <summary>Per bucket: sign-in attempts the site's guard refused (a blocked address or user).</summary>
    [Id(3)]
    public IReadOnlyList<int> GuardRefusals { get; init; } = [];

    /// <summary>Per bucket: the peak of tickets in the site's waiting line (<see cref="FullSitePolicy.Queue"/>).</summary>
    [Id(4)]
    public IReadOnlyList<int> Waiting { get; init; } = [];
}
