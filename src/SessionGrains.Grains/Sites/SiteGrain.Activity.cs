using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace SessionGrains.Grains.Sites;

/// <summary>
/// The site's activity history for operators (counted sessions and refusals, one bucket a minute, 24 hours).
/// Recorded in memory as admissions happen and stored about once a minute and when the site deactivates, so an
/// admission never waits for it; a crash loses at most the last minute of it.
/// </summary>
public sealed partial class SiteGrain
{
    private static readonly TimeSpan ActivitySavePeriod = TimeSpan.FromMinutes(1);

    private ActivityHistory _activity = null!;
    private Task? _activitySave;

    public Task<SiteActivity> GetActivityAsync()
    {
        EnsureValidSiteId();
        return Task.FromResult(_activity.Snapshot(clock.GetUtcNow()));
    }

    private int RefusalsLastHour(DateTimeOffset now) => _activity.RefusalsInLast(60, now);

    private int PeakToday(DateTimeOffset now) => _activity.PeakSince(new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero));

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The grain interleaves, so the timer's save may still be running; then save whatever came after it.
        if (_activitySave is { } running)
        {
            await running;
        }

        await SaveActivityAsync(cancellationToken);
    }

    private void StartActivity(DateTimeOffset now)
    {
        _activity = new ActivityHistory(activityState.State);

        // The count the stored sessions make now: unchanged after a restart, but not for a site stored before it kept history.
        _activity.RecordActive(now, _sessions.Counted);
        this.RegisterGrainTimer(
            SaveActivityAsync,
            new GrainTimerCreationOptions(ActivitySavePeriod, ActivitySavePeriod) { KeepAlive = false });
    }

    private Task SaveActivityAsync(CancellationToken cancellationToken)
    {
        if (_activitySave is { IsCompleted: false } running)
        {
            return running;
        }

        return _activitySave = SaveActivityOnceAsync(cancellationToken);
    }

    private async Task SaveActivityOnceAsync(CancellationToken cancellationToken)
    {
        if (!_activity.Unsaved)
        {
            return;
        }

        try
        {
            await activityState.WriteStateAsync(cancellationToken);
            _activity.MarkSaved();
        }
        catch (InconsistentStateException)
        {
            // Another activation of this site wrote in between (a silo's hand-over). This one is the live one:
            // take the stored version's tag and write this history over it next time.
            var mine = activityState.State;
            await activityState.ReadStateAsync(cancellationToken);
            activityState.State = mine;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // History is for operators; admissions go on. The next period tries again.
            LogActivitySaveFailed(ex, SiteId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId}: saving the activity history failed; the next minute retries")]
    private partial void LogActivitySaveFailed(Exception exception, string siteId);
}
