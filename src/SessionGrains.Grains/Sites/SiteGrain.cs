using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Sites.Storage;
using SessionGrains.Grains.Telemetry;

namespace SessionGrains.Grains.Sites;

/// <summary>
/// Decides admissions for one site over the live session set it keeps in memory and in storage. Every decision
/// is made within one turn, with no await between reading the set and changing it, which is what makes
/// admissions atomic even though the grain interleaves requests: while one write is in flight the next
/// requests are decided, and their changes go together in the next write (group commit, <see cref="DurableSite"/>).
/// Nothing is acknowledged before the write that holds it succeeded, and the sessions it ended are told so only then.
/// Session grains keep their seats by renewing leases (<c>SiteGrain.Leases.cs</c>); a lease that runs out frees its
/// seat, so a session whose grain vanished (its silo died) stops counting by itself.
/// </summary>
[Reentrant]
public sealed partial class SiteGrain(
    ISiteStore store,
    ISessionEndLog endLog,

    // The history's state name from before it was called history: stored rows are found by it.
    [PersistentState("activity", StorageNames.Default)] IPersistentState<HistoryState> historyState,
    IOptionsMonitor<SiteDefaultsOptions> defaults,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider clock,
    SiteMetrics metrics,
    ILogger<SiteGrain> logger) : Grain, ISiteGrain, ISiteLeaseGrain, IRemindable, IIncomingGrainCallFilter
{
    private readonly PendingMetrics _pendingMetrics = new();
    private DurableSite _site = null!;
    private StorageRecovery? _recovery;
    private HistoryRecorder _history = null!;
    private BackstopReminder _backstop = null!;
    private LeaseExpiryTimer _expiryTimer = null!;
    private string? _siteId;
    private bool _siteIdValid;

    // Read on every decision (logs, validation): parse the grain's key once.
    private string SiteId => _siteId ??= this.GetPrimaryKeyString();

    private LiveSessionSet Sessions => _site.Sessions;

    private WaitingLine Line => _site.Line;

    private SiteSettings Settings => _site.Settings ?? defaults.CurrentValue.ToSettings();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _site = await LoadAsync(cancellationToken);
        _expiryTimer = new LeaseExpiryTimer(this, () => Sessions.NextExpiry(), OnLeasesExpiringAsync);
        _backstop = new BackstopReminder(this, SiteId, logger);
        _history = new HistoryRecorder(this, historyState, SiteId, Sessions.Counted, Line.Count, clock.GetUtcNow(), logger);
        StartUsage();
        CarryOn();
    }

    /// <summary>The site as stored, with today's usage.</summary>
    private async Task<DurableSite> LoadAsync(CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync(SiteId, cancellationToken);
        var today = UsageRecorder.DayOf(clock.GetUtcNow());
        var usage = stored is null ? [] : await store.ReadUsageAsync(SiteId, today, today, cancellationToken);
        var limit = (stored?.Header.Settings ?? defaults.CurrentValue.ToSettings()).Limit;
        var recorder = new UsageRecorder(clock, usage.Count > 0 ? usage[0] : null, limit);
        return new DurableSite(store, GrainFactory, SiteId, stored, clock.GetUtcNow(), recorder, OnWritten, OnWriteFailed);
    }

    /// <summary>After loading: leases that ran out while nothing held this site make the timer fire at once, and the line moves on.</summary>
    private void CarryOn()
    {
        _expiryTimer.Schedule(clock.GetUtcNow());
        KeepLineMoving();
    }

    /// <summary>Replaces memory that may be ahead of storage (a write failed) with what storage holds; throws while the database is away.</summary>
    private async Task ReloadAsync()
    {
        _site = await LoadAsync(CancellationToken.None);
        _recovery = null;
        LogReloaded(SiteId);
        CarryOn();
    }

    /// <summary>
    /// While a write has failed (<see cref="StorageRecovery"/>), every call first has the site reloaded from storage. Only
    /// a lease lookup goes on from memory while the database is still away: a session's first touch during an outage.
    /// </summary>
    public Task Invoke(IIncomingGrainCallContext context) => _recovery is null ? context.Invoke() : InvokeRecoveringAsync(_recovery, context);

    private static async Task InvokeRecoveringAsync(StorageRecovery recovery, IIncomingGrainCallContext context)
    {
        try
        {
            await recovery.ReloadAsync();
        }
        catch (StorageUnavailableException) when (context.MethodName == nameof(GetLeaseAsync))
        {
        }

        await context.Invoke();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.Forget(SiteId);
        await _history.WriteLastAsync(cancellationToken);
        await WriteUsageAsync(last: true);
    }

    public async Task<OpenSessionResult> OpenSessionAsync(OpenSessionRequest request)
    {
        EnsureValidSiteId();
        RequestRules.EnsureValid(request);

        var began = SiteMetrics.Now();
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        var result = Decide(request, Settings, now);
        await WriteAsync();
        metrics.AdmissionTook(System.Diagnostics.Stopwatch.GetElapsedTime(began));
        return result;
    }

    public async Task<IReadOnlyList<OpenSessionResult>> OpenSessionsAsync(IReadOnlyList<OpenSessionRequest> requests)
    {
        EnsureValidSiteId();
        if (requests is null || requests.Count == 0)
        {
            throw new InvalidRequestException("requests", "At least one sign-in is required.");
        }

        // All or nothing: one invalid request refuses the batch before any is decided.
        foreach (var request in requests)
        {
            RequestRules.EnsureValid(request);
        }

        var now = clock.GetUtcNow();
        ExpireLeases(now);
        var settings = Settings;
        var results = new OpenSessionResult[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            results[i] = Decide(requests[i], settings, now);
        }

        await WriteAsync();
        return results;
    }

    /// <summary>
    /// One admission decision, applied to the set in memory; nothing is acknowledged before the write that holds it.
    /// Returns the answer as the decision saw the site. An admitted session's grain is not started: its first touch
    /// starts it, and until then the site's lease ends the session at its idle deadline.
    /// </summary>
    private OpenSessionResult Decide(OpenSessionRequest request, SiteSettings settings, DateTimeOffset now)
    {
        if (request.Resumes is { } previous)
        {
            if (Sessions.FindResumption(previous, request.UserId) is { } resumed)
            {
                // A repeated resume (parallel requests, a retry, another web server): the same seat, not a second one.
                return SiteAnswers.Admitted(resumed, Sessions.Counted, settings);
            }

            if (Sessions.TryGet(previous, out var stale) && string.Equals(stale.UserId, request.UserId, StringComparison.Ordinal))
            {
                // The caller saw this session end for idleness, but its end never reached the site.
                _site.End(stale, SessionEndReason.Idle, now);
            }
        }

        var decision = AdmissionRule.Decide(settings, Sessions, Line.Count, Line.SeatsHeld, request.UserId, settings.IsExempt(request.Roles));
        if (decision is AdmissionDecision.Queue)
        {
            return JoinLine(request, now);
        }

        if (decision is AdmissionDecision.Refuse refusal)
        {
            _history.RecordRefusal(now);
            metrics.Refused(refusal.Reason);
            Usage.Refused(now, refusal.Reason);
            LogRefused(SiteId, refusal.Reason, Sessions.Counted, settings.Limit);
            return SiteAnswers.Refused(refusal.Reason, Sessions, settings, request.UserId, now);
        }

        var admit = (AdmissionDecision.Admit)decision;
        if (admit.Evict is { } evicted)
        {
            _site.End(evicted, SessionEndReason.Evicted, now);
        }

        var session = LiveSession.Admit(request, admit.Exempt, now, settings.IdleTimeout);
        Sessions.Add(session);
        _pendingMetrics.Admitted(session.Exempt);
        Usage.Started(now, request.UserId);
        LogAdmitted(SiteId, session.SessionId, session.Exempt, Sessions.Counted, settings.Limit);
        return SiteAnswers.Admitted(session, Sessions.Counted, settings);
    }

    public Task<SiteSettings> GetSettingsAsync()
    {
        EnsureValidSiteId();
        return Task.FromResult(Settings);
    }

    public async Task<SiteSettings> UpdateSettingsAsync(SiteSettingsUpdate update)
    {
        EnsureValidSiteId();
        if (update is null)
        {
            throw new InvalidRequestException("settings", "A settings change is required.");
        }

        var updated = update.ApplyTo(Settings);
        RequestRules.EnsureValid(updated);

        if (_site.Settings is null)
        {
            Usage.Configured(clock.GetUtcNow(), updated.Limit);
        }

        _site.Settings = updated;
        await WriteAsync();
        LogSettingsChanged(SiteId, updated.Limit, updated.IdleTimeout, updated.OnFull);
        return updated;
    }

    public async Task<SiteStatus> GetStatusAsync()
    {
        var summary = await GetSummaryAsync();
        var page = Page(after: null, SessionPage.DefaultSize);
        return new SiteStatus { Summary = summary, Sessions = page.Sessions, NextCursor = page.NextCursor };
    }

    public async Task<SessionPage> GetSessionsAsync(string? cursor, int limit)
    {
        EnsureValidSiteId();
        if (limit is < 1 or > SessionPage.MaxSize)
        {
            throw new InvalidRequestException("limit", $"A page holds 1 to {SessionPage.MaxSize} sessions.");
        }

        SessionCursor? after = cursor is null ? null : SessionCursor.Parse(cursor);
        ExpireLeases(clock.GetUtcNow());
        await WriteAsync();
        return Page(after, limit);
    }

    /// <summary>
    /// The sessions after <paramref name="after"/> in the order of <see cref="SessionCursor"/>: picks the next
    /// <paramref name="limit"/> without sorting the whole site.
    /// </summary>
    private SessionPage Page(SessionCursor? after, int limit)
    {
        var idleTimeout = Settings.IdleTimeout;
        var page = Sessions.All
            .Select(session => (Key: SessionCursor.Of(session), Session: session))
            .Where(entry => after is not { } start || entry.Key.CompareTo(start) > 0)
            .OrderBy(entry => entry.Key)
            .Take(limit + 1)
            .ToList();
        var more = page.Count > limit;
        if (more)
        {
            page.RemoveAt(limit);
        }

        return new SessionPage
        {
            Sessions = [.. page.Select(entry => entry.Session.ToInfo(idleTimeout))],
            NextCursor = more ? page[^1].Key.ToString() : null,
        };
    }

    public async Task<SiteSummary> GetSummaryAsync()
    {
        EnsureValidSiteId();
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        await WriteAsync();
        return new SiteSummary
        {
            SiteId = SiteId,
            Settings = Settings,
            Active = Sessions.Counted,
            Exempt = Sessions.Count - Sessions.Counted,
            RefusalsLastHour = _history.RefusalsLastHour(now),
            PeakToday = _history.PeakToday(now),
            Configured = _site.Settings is not null,
            Waiting = Line.Count,
        };
    }

    public Task<SiteHistory> GetHistoryAsync()
    {
        EnsureValidSiteId();
        return Task.FromResult(_history.Snapshot(clock.GetUtcNow()));
    }

    public async Task<bool> KickAsync(SessionId sessionId)
    {
        EnsureValidSiteId();
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        var live = Sessions.TryGet(sessionId, out var session);
        if (live)
        {
            _site.End(session, SessionEndReason.Kicked, now);
            LogKicked(SiteId, sessionId);
        }

        await WriteAsync();
        return live;
    }

    /// <summary>
    /// After each write: the sessions it ended may be told (those the site ended) and the web servers watching the site
    /// too (all of them), and the timers and history catch up with it.
    /// </summary>
    private void OnWritten(IReadOnlyList<StoredEnd> ends)
    {
        foreach (var end in ends)
        {
            metrics.Ended(end.Reason);
        }

        _pendingMetrics.FlushTo(metrics);
        var limit = Settings.Limit;
        metrics.Holds(SiteId, new SiteFigures(Sessions.Counted, Sessions.Count - Sessions.Counted, Line.Count, limit >= 0 && Sessions.Counted >= limit));

        foreach (var end in ends)
        {
            if (end.TellGrain)
            {
                SignalEndAsync(end.SessionId, end.Reason).Ignore();
            }
        }

        TellWatchers(ends);

        var now = clock.GetUtcNow();
        foreach (var end in ends)
        {
            if (end.Counted)
            {
                _releases.Released(now);
            }
        }

        _expiryTimer.Schedule(now);
        _backstop.Keep(holdsLeases: Sessions.Count > 0);

        // Every change of the count, and of the line, is stored before the history shows it.
        _history.RecordActive(now, Sessions.Counted);
        _history.RecordWaiting(now, Line.Count);
        Usage.Observe(now, Sessions.Counted, Settings.Limit);
    }

    private void OnWriteFailed(Exception exception)
    {
        LogWriteFailed(exception, SiteId);
        _pendingMetrics.Clear();
        if (exception is SiteWriteConflictException)
        {
            // Another activation wrote since this one loaded: this one is behind storage and goes at once.
            DeactivateOnIdle();
            return;
        }

        // The database is away, and memory may be ahead of storage: nothing more is decided from it. The site reloads
        // from storage as soon as the database answers (StorageRecovery).
        _recovery ??= new StorageRecovery(this, ReloadAsync);
        _recovery.Start();
    }

    /// <summary>Refuses calls to a site whose id no request may name; checked once per activation, as ids never change.</summary>
    private void EnsureValidSiteId()
    {
        if (!_siteIdValid)
        {
            RequestRules.EnsureValidSiteId(SiteId);
            _siteIdValid = true;
        }
    }
}
