namespace SessionGrains.Grains.Sites;

/// <summary>
/// The site's usage per UTC day (<see cref="UsageRecorder"/>): a timer a minute counts the minutes at the limit of a
/// quiet site and writes changed rows that waited too long for a write of the site's own, and the report reads storage and this activation's rows.
/// </summary>
public sealed partial class SiteGrain
{
    private UsageRecorder Usage => _site.Usage;

    /// <remarks>
    /// Nothing is observed yet: stored leases may have run out while no activation held the site, so the count is
    /// only believed once they are expired (the first write, or the first minute).
    /// </remarks>
    private void StartUsage()
    {
        this.RegisterGrainTimer(OnUsageTimerAsync, new GrainTimerCreationOptions(UsageRecorder.WritePeriod, UsageRecorder.WritePeriod) { KeepAlive = false });
    }

    public async Task<IReadOnlyList<SiteUsage>> GetUsageAsync(DateOnly firstDay, DateOnly lastDay, UsageGranularity granularity)
    {
        EnsureValidSiteId();
        UsageRange.EnsureValid(firstDay, lastDay);
        if (!Enum.IsDefined(granularity))
        {
            throw new InvalidRequestException("granularity", "The granularity is day, month or total.");
        }

        // As of now: a site full since its last change has been full up to this minute.
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        Usage.Observe(now, Sessions.Counted, Settings.Limit);
        await WriteAsync();
        var days = (await store.ReadUsageAsync(SiteId, firstDay, lastDay)).ToDictionary(row => row.Day);

        // This activation's rows are as new as storage's or newer (not written yet).
        foreach (var row in Usage.Rows(firstDay, lastDay))
        {
            days[row.Day] = row;
        }

        return UsageReport.Of([.. days.Values.OrderBy(row => row.Day)], granularity, firstDay);
    }

    private Task OnUsageTimerAsync(CancellationToken cancellationToken) => WriteUsageAsync(last: false);

    /// <summary>
    /// Ends the leases that ran out and counts the minute; sends the changed rows with a site write if they waited too
    /// long for one of the site's own (the minute timer), or in any case (<paramref name="last"/>: the activation ends).
    /// A failed write is logged; it drops the activation, whose rows go with it.
    /// </summary>
    private async Task WriteUsageAsync(bool last)
    {
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        Usage.Observe(now, Sessions.Counted, Settings.Limit);
        if (last || Usage.Stale)
        {
            Usage.AskWrite();
        }

        try
        {
            // Without changes this writes nothing.
            await WriteAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUsageWriteFailed(ex, SiteId);
        }
    }
}
