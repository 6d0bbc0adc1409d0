namespace SessionGrains.Server.Admin;

/// <summary>The columns an operator can sort the usage table by; the query string names them in lowercase.</summary>
public enum UsageColumn
{
    Site,
    Limit,
    Peak,
    AtLimit,
    Refused,
    Blocked,
    Started,
    Users,
    Waited,
}

/// <param name="Usage">The site's figures over the range; null when it had no activity in it.</param>
public sealed record UsageRow(string SiteId, SiteUsage? Usage);

/// <summary>
/// Every site's usage over the last <see cref="Days"/> days, one row each, sorted by one column. Its first sort, by time
/// at the limit, puts the sites that need a bigger limit on top.
/// </summary>
public sealed record UsageTable(IReadOnlyList<UsageRow> Rows, DateOnly From, DateOnly To, UsageColumn Sort, bool Descending)
{
    public const int Days = 30;

    public static IReadOnlyList<(UsageColumn Column, string Label, bool Numeric)> Headers { get; } =
    [
        (UsageColumn.Site, "Site", false),
        (UsageColumn.Limit, "Limit", true),
        (UsageColumn.Peak, "Peak", true),
        (UsageColumn.AtLimit, "Time at limit", true),
        (UsageColumn.Refused, "Refused", true),
        (UsageColumn.Blocked, "Sign-ins blocked", true),
        (UsageColumn.Started, "Sessions", true),
        (UsageColumn.Users, "Users (est.)", true),
        (UsageColumn.Waited, "Waited in line", true),
    ];

    /// <summary>The table of <paramref name="siteIds"/> and their usage (same order), by time at the limit, most first, unless <paramref name="sort"/> names a column.</summary>
    public static UsageTable Build(IReadOnlyList<string> siteIds, IReadOnlyList<SiteUsage?> usages, DateOnly from, DateOnly to, string? sort, bool? descending)
    {
        var column = Enum.TryParse<UsageColumn>(sort, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : UsageColumn.AtLimit;
        var down = descending ?? sort is null;
        var rows = siteIds.Select((siteId, i) => new UsageRow(siteId, usages[i]));
        var ordered = down
            ? rows.OrderByDescending(row => SortKey(row, column), SortKeys.Order).ThenBy(row => row.SiteId, StringComparer.Ordinal)
            : rows.OrderBy(row => SortKey(row, column), SortKeys.Order).ThenBy(row => row.SiteId, StringComparer.Ordinal);
        return new UsageTable([.. ordered], from, to, column, down);
    }

    /// <summary>The query string of a column header's link: by that column, reversed if it is the current one; figures most first.</summary>
    public object SortQuery(UsageColumn column) => new
    {
        sort = column.ToString().ToLowerInvariant(),
        desc = column == Sort ? (!Descending ? "true" : "false") : column == UsageColumn.Site ? "false" : "true",
    };

    /// <summary>The <c>aria-sort</c> of a column header.</summary>
    public string AriaSort(UsageColumn column) => column != Sort ? "none" : Descending ? "descending" : "ascending";

    /// <summary>The CSV download's name: the range it covers.</summary>
    public string FileName => $"sessiongrains-usage-{From:yyyy-MM-dd}-to-{To:yyyy-MM-dd}.csv";

    private static IComparable SortKey(UsageRow row, UsageColumn column)
    {
        if (column == UsageColumn.Site)
        {
            return row.SiteId;
        }

        // A site without activity counts as less than every site with some, whichever the column.
        if (row.Usage is not { } usage)
        {
            return long.MinValue;
        }

        return column switch
        {
            // Unlimited (-1) sorts as the largest limit there is.
            UsageColumn.Limit => usage.Limit == SiteSettings.Unlimited ? long.MaxValue : usage.Limit,
            UsageColumn.Peak => (long)usage.PeakCounted,
            UsageColumn.Refused => (long)usage.Refused,
            UsageColumn.Blocked => (long)usage.GuardBlocks,
            UsageColumn.Started => (long)usage.SessionsStarted,
            UsageColumn.Users => (long)usage.DistinctUsers,
            UsageColumn.Waited => (long)usage.LineJoined,
            _ => (long)usage.MinutesAtLimit,
        };
    }
}
