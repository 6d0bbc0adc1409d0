using SessionGrains.Grains.Sites;

namespace SessionGrains.Persistence.State;

/// <summary>
/// The figures of a usage row as columns (deploy/sql: the site usage scripts), in one list both engines write from, so
/// a column added later is added once. The payload beside them is what the service reads back.
/// </summary>
internal static class UsageColumns
{
    public static readonly IReadOnlyList<(string Name, Func<UsageDay, int?> Value)> Figures =
    [
        ("PeakCounted", day => day.PeakCounted),
        ("MinutesAtLimit", day => day.MinutesAtLimit),
        ("SessionsStarted", day => day.SessionsStarted),
        ("DistinctUsers", day => day.DistinctUsers),
        ("RefusedSiteFull", day => day.RefusedSiteFull),
        ("RefusedSiteClosed", day => day.RefusedSiteClosed),
        ("RefusedUserLimit", day => day.RefusedUserLimit),
        ("RefusedMaxSessions", day => day.RefusedMaxSessions),
        ("GuardBlocks", day => day.GuardBlocks),
        ("LineJoined", day => day.LineJoined),
        ("LineAdmitted", day => day.LineAdmitted),
        ("LineLeft", day => day.LineLeft),
        ("LineExpired", day => day.LineExpired),
        ("WaitMedianSeconds", day => Seconds(day.WaitMedian)),
        ("WaitP95Seconds", day => Seconds(day.WaitP95)),
        ("LimitInForce", day => day.Limit),
        ("LimitLowest", day => day.LimitLowest),
        ("LimitHighest", day => day.LimitHighest),
        ("LimitChanges", day => day.LimitChanges),
    ];

    /// <summary>"A, B, C": the figures' names, for an insert's column list.</summary>
    public static string Names(string prefix = "") => string.Join(", ", Figures.Select(column => prefix + column.Name));

    /// <summary>"A = excluded.A, …": an upsert's update of every figure and the payload.</summary>
    public static string Updates() =>
        string.Join(", ", Figures.Select(column => $"{column.Name} = excluded.{column.Name}").Append("Payload = excluded.Payload"));

    private static int? Seconds(TimeSpan? wait) => wait is { } value ? (int)value.TotalSeconds : null;
}
