using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace SessionGrains.Grains.Sites;

/// <summary>
/// Records the site's activity history for operators (counted sessions and refusals, one bucket a minute, 24 hours)
/// and stores it about once a minute and when the site deactivates, so an admission never waits for it; a crash
/// loses at most the last minute of it.
/// </summary>
internal sealed partial class HistoryRecorder
{
    private static readonly TimeSpan SavePeriod = TimeSpan.FromMinutes(1);

    private readonly IPersistentState<ActivityState> _state;
    private readonly string _siteId;
    private readonly ILogger _logger;
    private readonly ActivityHistory _history;
    private Task? _save;

    /// <param name="active">The count the stored sessions make now: unchanged after a restart, but not for a site stored before it kept history.</param>
    public HistoryRecorder(IGrainBase site, IPersistentState<ActivityState> state, string siteId, int active, DateTimeOffset now, ILogger logger)
    {
        _state = state;
        _siteId = siteId;
        _logger = logger;
        _history = new ActivityHistory(state.State);
        _history.RecordActive(now, active);
        site.RegisterGrainTimer(SaveAsync, new GrainTimerCreationOptions(SavePeriod, SavePeriod) { KeepAlive = false });
    }

    /// <summary>Call only once the change of count is stored: the history never shows what storage may not hold.</summary>
    public void RecordActive(DateTimeOffset now, int active) => _history.RecordActive(now, active);

    public void RecordRefusal(DateTimeOffset now) => _history.RecordRefusal(now);

    public SiteActivity Snapshot(DateTimeOffset now) => _history.Snapshot(now);

    public int RefusalsLastHour(DateTimeOffset now) => _history.RefusalsInLast(60, now);

    public int PeakToday(DateTimeOffset now) => _history.PeakSince(new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero));

    /// <summary>Stores what is not stored yet; the timer's save may still be running (the grain interleaves), then this follows it.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_save is { } running)
        {
            await running;
        }

        await SaveAsync(cancellationToken);
    }

    private Task SaveAsync(CancellationToken cancellationToken)
    {
        if (_save is { IsCompleted: false } running)
        {
            return running;
        }

        return _save = SaveOnceAsync(cancellationToken);
    }

    private async Task SaveOnceAsync(CancellationToken cancellationToken)
    {
        if (!_history.Unsaved)
        {
            return;
        }

        try
        {
            await _state.WriteStateAsync(cancellationToken);
            _history.MarkSaved();
        }
        catch (InconsistentStateException)
        {
            // Another activation of this site wrote in between (a silo's hand-over). This one is the live one:
            // take the stored version's tag and write this history over it next time.
            var mine = _state.State;
            await _state.ReadStateAsync(cancellationToken);
            _state.State = mine;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // History is for operators; admissions go on. The next period tries again.
            LogSaveFailed(ex, _siteId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId}: saving the activity history failed; the next minute retries")]
    private partial void LogSaveFailed(Exception exception, string siteId);
}
