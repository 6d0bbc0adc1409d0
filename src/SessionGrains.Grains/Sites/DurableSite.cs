using SessionGrains.Batching;
using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Sites.Storage;

namespace SessionGrains.Grains.Sites;

/// <summary>
/// The site as it is stored: its header, live sessions and waiting line, held in memory, and the writes that keep
/// storage in step with them. Writes use group commit: a change waits for the write that holds it; if none is in flight,
/// it starts one; if one is, it waits for the next, which takes every change made in the meantime. So a site writes
/// as often as its storage can take and no more, however many requests arrive, and each write carries only what
/// changed (see <see cref="ISiteStore"/>), so its cost does not grow with the number of live sessions.
/// </summary>
/// <remarks>
/// Runs on the site grain's scheduler (the grain starts every write), so it reads the header and the session set
/// between the grain's turns. A failed write fails every request waiting on it or on a later one, and
/// <paramref name="failed"/> drops the activation: its memory may be ahead of storage.
/// </remarks>
internal sealed class DurableSite
{
    private readonly ISiteStore _store;
    private readonly IGrainFactory _grains;
    private readonly string _siteId;
    private readonly SiteHeader _header;
    private readonly LiveSessionSet _sessions;
    private readonly WaitingLine _line;
    private readonly UsageRecorder _usage;
    private readonly Action<IReadOnlyList<StoredEnd>> _written;
    private readonly Action<Exception> _failed;
    private readonly GroupCommit<bool, bool> _writes;
    private readonly List<StoredEnd> _unsentEnds = [];
    private long _version;
    private bool _headerChanged;
    private bool _broken;

    /// <param name="written">After each write: the ends it stored, now safe to tell.</param>
    /// <param name="failed">Once, when a write fails.</param>
    public DurableSite(
        ISiteStore store,
        IGrainFactory grains,
        string siteId,
        StoredSite? stored,
        DateTimeOffset now,
        UsageRecorder usage,
        Action<IReadOnlyList<StoredEnd>> written,
        Action<Exception> failed)
    {
        _store = store;
        _grains = grains;
        _siteId = siteId;
        _version = stored?.Version ?? 0;
        _header = stored?.Header ?? new SiteHeader();
        _sessions = new LiveSessionSet(stored?.Sessions ?? []);
        _line = new WaitingLine(stored?.Tickets ?? [], now);
        _usage = usage;
        _written = written;
        _failed = failed;

        // Each request's item says only "my changes are made": a write takes every change made so far.
        _writes = new GroupCommit<bool, bool>(FlushAsync);
    }

    public LiveSessionSet Sessions => _sessions;

    /// <summary>A write failed: memory may be ahead of storage, so nothing more is written or acknowledged.</summary>
    public bool Broken => _broken;

    /// <summary>The site's waiting line (<see cref="FullSitePolicy.Queue"/>), stored with it.</summary>
    public WaitingLine Line => _line;

    /// <summary>The site's usage per day, whose changed rows go with the writes at most once a minute.</summary>
    public UsageRecorder Usage => _usage;

    /// <summary>Null until an operator configures the site: until then the configured defaults apply.</summary>
    public SiteSettings? Settings
    {
        get => _header.Settings;
        set
        {
            _header.Settings = value;
            _headerChanged = true;
        }
    }

    /// <summary>
    /// Ends a session: by the site's own decision (kicked, evicted, signed out, idle by its lease), or by its grain's
    /// (its idle alarm). Its end is recorded in the write that frees the seat, and its grain, if one was started, is told
    /// once that write is stored, unless <paramref name="tellGrain"/> is false because the caller tells it itself, or is
    /// the grain.
    /// </summary>
    public void End(LiveSession session, SessionEndReason reason, DateTimeOffset now, bool tellGrain = true)
    {
        _sessions.Remove(session.SessionId);
        _unsentEnds.Add(new StoredEnd(session.SessionId, reason, now, TellGrain: tellGrain && !session.NoGrain, Counted: !session.Exempt));
    }

    /// <summary>Ends every session whose lease ran out by <paramref name="now"/>; returns them (null when none did).</summary>
    public IReadOnlyList<LiveSession>? ExpireLeases(DateTimeOffset now)
    {
        var expired = _sessions.RemoveExpired(now);
        foreach (var session in expired ?? [])
        {
            End(session, SessionEndReason.Idle, now);
        }

        return expired;
    }

    /// <summary>Moves a session's lease to match the activity its grain reports, or ends it if that activity is too old.</summary>
    public void ApplyActivity(LiveSession session, DateTimeOffset lastActivityAt, bool exact, TimeSpan idleTimeout, DateTimeOffset now)
    {
        // A session grain's clock may run slightly ahead of ours (another silo): never accept activity from the future.
        var activity = lastActivityAt > now ? now : lastActivityAt;
        if (activity < session.LastActivityAt)
        {
            activity = session.LastActivityAt;
        }

        if (activity + idleTimeout <= now)
        {
            // Already idle: the idle timeout was lowered since the last renewal, or the hand-over came late.
            End(session, SessionEndReason.Idle, now);
            return;
        }

        var expiresAt = LeaseTerms.ExpiresAt(activity, idleTimeout, exact);
        if (expiresAt != session.ExpiresAt)
        {
            _sessions.Renew(session, activity, expiresAt);
        }
    }

    /// <summary>
    /// Completes once a write behind the version check has shown that this activation holds the stored state: for
    /// answers that would end something for good on this activation's word ("no such session"). Another activation of
    /// the site, possible for a moment after a silo's death, may have written since this one loaded; then the write
    /// fails like any other, and so does this activation. A site never stored has no version to check.
    /// </summary>
    public Task ConfirmCurrentAsync()
    {
        if (_version > 0)
        {
            _headerChanged = true;
        }

        return WriteAsync();
    }

    /// <summary>
    /// Completes once every change made so far (by this request or any before it) is stored; fails with
    /// <see cref="StorageUnavailableException"/> if that write failed.
    /// </summary>
    public Task WriteAsync()
    {
        if (_broken)
        {
            // Memory may be ahead of storage until the activation is gone: answer nothing from it.
            return Task.FromException(new StorageUnavailableException());
        }

        // Without changes of its own, a request still waits for the write of what it saw.
        // Usage rows ride along with writes that happen anyway; they start one only when the timer or the deactivation
        // asks, and never store a site that was not stored yet (a guard's blocks on an id nobody set up).
        return _headerChanged || _sessions.HasChanges || _line.HasChanges || (_usage.WriteAsked && _version > 0) ? _writes.AddAsync(true) : _writes.WhenFlushedAsync();
    }

    private async Task<IReadOnlyList<bool>> FlushAsync(IReadOnlyList<bool> requests)
    {
        if (_broken)
        {
            throw new StorageUnavailableException();
        }

        IReadOnlyList<StoredEnd> ends;
        try
        {
            ends = await WriteChangesAsync();
        }
        catch (Exception ex)
        {
            _broken = true;
            _unsentEnds.Clear();
            _failed(ex);

            // Callers get one plain type for "not stored, try again", whatever the storage's own fault was.
            throw new StorageUnavailableException();
        }

        _written(ends);
        return requests;
    }

    /// <summary>Writes what changed since the last write; returns the ends that write stored.</summary>
    private async Task<IReadOnlyList<StoredEnd>> WriteChangesAsync()
    {
        if (!_header.Listed)
        {
            // Once per site, before its first write; registering twice is harmless.
            await _grains.GetGrain<ISiteDirectoryGrain>(ISiteDirectoryGrain.Key).RegisterAsync(_siteId);
            _header.Listed = true;
            _headerChanged = true;
        }

        // Taken in one turn, so the write holds exactly the changes made before this point.
        var (upserts, removals) = _sessions.TakeChanges();
        var (ticketUpserts, ticketRemovals) = _line.TakeChanges();
        StoredEnd[] ends = [.. _unsentEnds];
        _unsentEnds.Clear();
        var changes = new SiteWrite(_siteId, _version, _headerChanged ? _header.Snapshot() : null, upserts, removals)
        {
            TicketUpserts = ticketUpserts,
            TicketRemovals = ticketRemovals,
            UsageUpserts = _usage.Due ? _usage.TakeChanges() : [],
            Ends = ends.Length == 0 ? [] : [.. ends.Select(end => new SessionEnd(_siteId, end.SessionId, end.Reason, end.EndedAt))],
        };
        _headerChanged = false;

        if (!changes.IsEmpty)
        {
            await _store.WriteAsync(changes);
            _version++;
        }

        return ends;
    }
}

/// <summary>
/// A session's end, as a write stored it: <see cref="TellGrain"/> when the session's grain was started and does not
/// know yet; <see cref="Counted"/> when it freed a seat.
/// </summary>
internal readonly record struct StoredEnd(SessionId SessionId, SessionEndReason Reason, DateTimeOffset EndedAt, bool TellGrain, bool Counted);
