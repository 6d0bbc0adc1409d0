namespace SessionGrains.Server.Admin;

/// <summary>The columns an operator can sort the sites table by; the query string names them in lowercase.</summary>
public enum SiteColumn
{
    Site,
    Limit,
    Active,
    Exempt,
    Refusals,
    Peak,
    Waiting,
    Idle,
    Policy,
}

/// <summary>How full a site runs: what makes its row stand out.</summary>
public enum SiteLoad
{
    Unlimited,
    Closed,
    Normal,

    /// <summary>At least <see cref="SitesTable.NearLimitShare"/> of its seats are taken.</summary>
    NearLimit,
    Full,
}

public sealed record SiteRow(SiteSummary Summary, SiteLoad Load);

/// <summary>The sites table: every site's summary, filtered by id and sorted by one column.</summary>
public sealed record SitesTable(IReadOnlyList<SiteRow> Rows, int Total, string? Filter, SiteColumn Sort, bool Descending)
{
    public const double NearLimitShare = 0.8;

    public static IReadOnlyList<(SiteColumn Column, string Label, bool Numeric)> Headers { get; } =
    [
        (SiteColumn.Site, "Site", false),
        (SiteColumn.Limit, "Limit", true),
        (SiteColumn.Active, "Active", true),
        (SiteColumn.Exempt, "Exempt", true),
        (SiteColumn.Refusals, "Refusals (1 h)", true),
        (SiteColumn.Peak, "Peak today", true),
        (SiteColumn.Waiting, "Waiting", true),
        (SiteColumn.Idle, "Idle timeout", true),
        (SiteColumn.Policy, "When full", false),
    ];

    public static SitesTable Build(IReadOnlyList<SiteSummary> summaries, string? filter, string? sort, bool descending)
    {
        var column = Enum.TryParse<SiteColumn>(sort, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : SiteColumn.Site;
        var filtered = string.IsNullOrWhiteSpace(filter)
            ? summaries
            : summaries.Where(s => s.SiteId.Contains(filter.Trim(), StringComparison.OrdinalIgnoreCase));
        var ordered = descending
            ? filtered.OrderByDescending(s => SortKey(s, column), SortKeys.Order).ThenBy(s => s.SiteId, StringComparer.Ordinal)
            : filtered.OrderBy(s => SortKey(s, column), SortKeys.Order).ThenBy(s => s.SiteId, StringComparer.Ordinal);
        return new SitesTable([.. ordered.Select(s => new SiteRow(s, LoadOf(s)))], summaries.Count, filter, column, descending);
    }

    public static SiteLoad LoadOf(SiteSummary summary) => LoadOf(summary.Settings.Limit, summary.Active);

    public static SiteLoad LoadOf(int limit, int active) => limit switch
    {
        SiteSettings.Unlimited => SiteLoad.Unlimited,
        SiteSettings.Closed => SiteLoad.Closed,
        _ when active >= limit => SiteLoad.Full,
        _ when active >= limit * NearLimitShare => SiteLoad.NearLimit,
        _ => SiteLoad.Normal,
    };

    /// <summary>The query string of a column header's link: by that column, reversed if it is the current one.</summary>
    public object SortQuery(SiteColumn column) => new
    {
        sort = column.ToString().ToLowerInvariant(),
        desc = column == Sort && !Descending ? "true" : null,
        q = string.IsNullOrWhiteSpace(Filter) ? null : Filter,
    };

    /// <summary>The <c>aria-sort</c> of a column header.</summary>
    public string AriaSort(SiteColumn column) => column != Sort ? "none" : Descending ? "descending" : "ascending";

    private static IComparable SortKey(SiteSummary summary, SiteColumn column) => column switch
    {
        // Unlimited (-1) sorts as the largest limit there is.
        SiteColumn.Limit => summary.Settings.Limit == SiteSettings.Unlimited ? long.MaxValue : summary.Settings.Limit,
        SiteColumn.Active => summary.Active,
        SiteColumn.Exempt => summary.Exempt,
        SiteColumn.Refusals => summary.RefusalsLastHour,
        SiteColumn.Peak => summary.PeakToday,
        SiteColumn.Waiting => summary.Waiting,
        SiteColumn.Idle => summary.Settings.IdleTimeout,
        SiteColumn.Policy => summary.Settings.OnFull.ToString(),
        _ => summary.SiteId,
    };
}
