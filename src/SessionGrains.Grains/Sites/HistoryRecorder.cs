using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace SessionGrains.Grains.Sites;

/// <summary>
/// Records the site's activity history for operators (counted sessions, refusals and tickets waiting, one bucket a minute, 24 hours)
/// and stores it about once a minute and when the site deactivates, so an admission never waits for it; a crash
/// loses at most the last minute of it.
/// </summary>
internal sealed partial class HistoryRecorder
{
    private static readonly TimeSpan WritePeriod = TimeSpan.FromMinutes(1);

    private readonly IPersistentState<HistoryState> _state;
    private readonly string _siteId;
    private readonly ILogger _logger;
    private readonly HistoryBuckets _history;
    private Task? _write;

    /// <param name="active">The count the stored sessions make now: unchanged after a restart, but not for a site stored before it kept history.</param>
    /// <param name="waiting">The tickets the stored line holds now.</param>
    public HistoryRecorder(IGrainBase site, IPersistentState<HistoryState> state, string siteId, int active, int waiting, DateTimeOffset now, ILogger logger)
    {
        _state = state;
        _siteId = siteId;
        _logger = logger;
        _history = new HistoryBuckets(state.State);
        _history.RecordActive(now, active);
        _history.RecordWaiting(now, waiting);
        site.RegisterGrainTimer(WriteAsync, new GrainTimerCreationOptions(WritePeriod, WritePeriod) { KeepAlive = false });
    }

    /// <summary>Call only once the change of count is stored: the history never shows what storage may not hold.</summary>
    public void RecordActive(DateTimeOffset now, int active) => _history.RecordActive(now, active);

    /// <summary>As <see cref="RecordActive"/>: only once the line's change is stored.</summary>
    public void RecordWaiting(DateTimeOffset now, int waiting) => _history.RecordWaiting(now, waiting);

    public void RecordRefusal(DateTimeOffset now) => _history.RecordRefusal(now);

    public void RecordGuardRefusals(DateTimeOffset now, int count) => _history.RecordGuardRefusals(now, count);

    public SiteHistory Snapshot(DateTimeOffset now) => _history.Snapshot(now);

    public int RefusalsLastHour(DateTimeOffset now) => _history.RefusalsInLast(60, now);

    public int PeakToday(DateTimeOffset now) => _history.PeakSince(new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero));

    /// <summary>Stores what is not stored yet; the timer's write may still be running (the grain interleaves), then this follows it.</summary>
    public async Task WriteLastAsync(CancellationToken cancellationToken)
    {
        if (_write is { } running)
        {
            await running;
        }

        await WriteAsync(cancellationToken);
    }

    private Task WriteAsync(CancellationToken cancellationToken)
    {
        if (_write is { IsCompleted: false } running)
        {
            return running;
        }

        return _write = WriteOnceAsync(cancellationToken);
    }

    private async Task WriteOnceAsync(CancellationToken cancellationToken)
    {
        if (!_history.Unwritten)
        {
            return;
        }

        try
        {
            await _state.WriteStateAsync(cancellationToken);
            _history.MarkWritten();
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
            LogWriteFailed(ex, _siteId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId}: saving the activity history failed; the next minute retries")]
    private partial void LogWriteFailed(Exception exception, string siteId);
}
