using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionGrains.Grains.Sessions;
using SessionGrains.Internal;

namespace SessionGrains.Grains.Sites;

/// <summary>
/// Decides admissions for one site, one request at a time (the grain is not reentrant), over the live
/// session set it keeps in memory and in storage. Every change is written before it is acknowledged.
/// Session grains keep their seats by renewing leases; a lease that runs out frees its seat,
/// so a session whose grain vanished (silo died) stops counting by itself.
/// </summary>
public sealed partial class SiteGrain(
    [PersistentState("site", StorageNames.Default)] IPersistentState<SiteState> state,
    IOptionsMonitor<SiteDefaultsOptions> defaults,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider clock,
    ILogger<SiteGrain> logger) : Grain, ISiteGrain, ISiteLeaseGrain
{
    public const int EndedSessionsKept = 256;

    private LiveSessionSet _sessions = null!;
    private IGrainTimer? _expiryTimer;
    private bool _unsaved;

    private string SiteId => this.GetPrimaryKeyString();

    private SiteSettings Settings => state.State.Settings ?? defaults.CurrentValue.ToSettings();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _sessions = new LiveSessionSet(state.State.Sessions);
        _expiryTimer = this.RegisterGrainTimer(
            OnLeasesExpiringAsync,
            new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { KeepAlive = true });

        // Leases that ran out while no activation held this site (a restart) make the timer fire at once.
        ScheduleExpiryTimer(clock.GetUtcNow());
        return Task.CompletedTask;
    }

    public async Task<OpenSessionResult> OpenSessionAsync(OpenSessionRequest request)
    {
        RequestRules.EnsureValidSiteId(SiteId);
        RequestRules.EnsureValid(request);

        var now = clock.GetUtcNow();
        var expired = ExpireLeases(now);
        var settings = Settings;
        var exempt = settings.IsExempt(request.Roles);

        switch (AdmissionRule.Decide(settings, _sessions, request.UserId, exempt))
        {
            case AdmissionDecision.Refuse refusal:
                await SaveIfChangedAsync();
                NotifyEnded(expired, SessionEndReason.Idle);
                LogRefused(SiteId, refusal.Reason, _sessions.Counted, settings.Limit);
                return Refuse(refusal.Reason, settings, request.UserId, now);

            case AdmissionDecision.Admit admit:
                if (admit.Evict is { } evicted)
                {
                    EndSession(evicted, SessionEndReason.Evicted, now);
                }

                var session = new LiveSession
                {
                    SessionId = SessionId.New(),
                    UserId = request.UserId,
                    Roles = [.. request.Roles],
                    ClientIp = request.ClientIp,
                    UserAgent = request.UserAgent,
                    StartedAt = now,
                    Exempt = admit.Exempt,
                    LastActivityAt = now,
                    ExpiresAt = LeaseTerms.ExpiresAt(now, settings.IdleTimeout, exact: false),
                };
                _sessions.Add(session);
                await SaveAsync();

                NotifyEnded(expired, SessionEndReason.Idle);
                if (admit.Evict is not null)
                {
                    Control(admit.Evict.SessionId).EndAsync(SessionEndReason.Evicted).Ignore();
                }

                Control(session.SessionId).StartAsync(LeaseOf(session, settings)).Ignore();
                ScheduleExpiryTimer(now);
                LogAdmitted(SiteId, session.SessionId, session.Exempt, _sessions.Counted, settings.Limit);
                return new SessionAdmitted
                {
                    SessionId = session.SessionId,
                    Active = _sessions.Counted,
                    Limit = settings.Limit,
                    IdleExpiresAt = now + settings.IdleTimeout,
                    Exempt = session.Exempt,
                };

            default:
                throw new InvalidOperationException("Unknown admission decision.");
        }
    }

    public Task<SiteSettings> GetSettingsAsync()
    {
        RequestRules.EnsureValidSiteId(SiteId);
        return Task.FromResult(Settings);
    }

    public async Task<SiteSettings> UpdateSettingsAsync(SiteSettingsUpdate update)
    {
        RequestRules.EnsureValidSiteId(SiteId);
        if (update is null)
        {
            throw new InvalidRequestException("settings", "A settings change is required.");
        }

        var updated = update.ApplyTo(Settings);
        RequestRules.EnsureValid(updated);

        state.State.Settings = updated;
        await SaveAsync();
        LogSettingsChanged(SiteId, updated.Limit, updated.IdleTimeout, updated.OnFull);
        return updated;
    }

    public async Task<SiteStatus> GetStatusAsync()
    {
        RequestRules.EnsureValidSiteId(SiteId);
        var expired = ExpireLeases(clock.GetUtcNow());
        await SaveIfChangedAsync();
        NotifyEnded(expired, SessionEndReason.Idle);
        return new SiteStatus
        {
            SiteId = SiteId,
            Settings = Settings,
            Active = _sessions.Counted,
            Sessions = [.. _sessions.All.OrderBy(s => s.StartedAt).Select(s => s.ToInfo(Settings.IdleTimeout))],
        };
    }

    public async Task<bool> KickAsync(SessionId sessionId)
    {
        RequestRules.EnsureValidSiteId(SiteId);
        var now = clock.GetUtcNow();
        var expired = ExpireLeases(now);
        if (!_sessions.TryGet(sessionId, out var session))
        {
            await SaveIfChangedAsync();
            NotifyEnded(expired, SessionEndReason.Idle);
            return false;
        }

        EndSession(session, SessionEndReason.Kicked, now);
        await SaveAsync();
        NotifyEnded(expired, SessionEndReason.Idle);
        Control(sessionId).EndAsync(SessionEndReason.Kicked).Ignore();
        LogKicked(SiteId, sessionId);
        return true;
    }

    public async Task<LeaseLookup> GetLeaseAsync(SessionId sessionId)
    {
        var expired = ExpireLeases(clock.GetUtcNow());
        await SaveIfChangedAsync();
        NotifyEnded(expired, SessionEndReason.Idle);
        return Lookup(sessionId);
    }

    public async Task<LeaseLookup> RenewLeaseAsync(SessionId sessionId, DateTimeOffset lastActivityAt, bool exact)
    {
        var now = clock.GetUtcNow();
        var expired = ExpireLeases(now);
        var lookup = _sessions.TryGet(sessionId, out var session) && ApplyActivity(session, lastActivityAt, exact, now)
            ? LeaseLookup.Held(LeaseOf(session, Settings))
            : Lookup(sessionId);

        await SaveIfChangedAsync();
        NotifyEnded(expired, SessionEndReason.Idle);
        ScheduleExpiryTimer(now);
        return lookup;
    }

    public async Task HandOverAsync(IReadOnlyList<SessionActivity> sessions)
    {
        var now = clock.GetUtcNow();
        var expired = ExpireLeases(now);
        foreach (var activity in sessions)
        {
            if (_sessions.TryGet(activity.SessionId, out var session))
            {
                ApplyActivity(session, activity.LastActivityAt, exact: true, now);
            }
        }

        await SaveIfChangedAsync();
        NotifyEnded(expired, SessionEndReason.Idle);
        ScheduleExpiryTimer(now);
    }

    public async Task ReleaseAsync(SessionId sessionId, SessionEndReason reason)
    {
        var expired = ExpireLeases(clock.GetUtcNow());
        if (_sessions.Remove(sessionId) is not null)
        {
            _unsaved = true;
            LogReleased(SiteId, sessionId, reason);
        }

        await SaveIfChangedAsync();
        NotifyEnded(expired, SessionEndReason.Idle);
    }

    private async Task OnLeasesExpiringAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var expired = ExpireLeases(now);
        try
        {
            await SaveIfChangedAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Memory is ahead of storage only by endings; a reload would end the same leases again.
            LogExpirySaveFailed(ex, SiteId);
        }

        NotifyEnded(expired, SessionEndReason.Idle);
        ScheduleExpiryTimer(now);
    }

    /// <summary>Moves a session's lease to match the activity its grain reports. Returns false if that ended it.</summary>
    private bool ApplyActivity(LiveSession session, DateTimeOffset lastActivityAt, bool exact, DateTimeOffset now)
    {
        // A session grain's clock may run slightly ahead of ours (another silo): never accept activity from the future.
        var activity = lastActivityAt > now ? now : lastActivityAt;
        if (activity < session.LastActivityAt)
        {
            activity = session.LastActivityAt;
        }

        var settings = Settings;
        if (activity + settings.IdleTimeout <= now)
        {
            // Already idle: the idle timeout was lowered since the last renewal, or the hand-over came late.
            EndSession(session, SessionEndReason.Idle, now);
            return false;
        }

        var expiresAt = LeaseTerms.ExpiresAt(activity, settings.IdleTimeout, exact);
        if (expiresAt != session.ExpiresAt)
        {
            _sessions.Renew(session, activity, expiresAt);
            _unsaved = true;
        }

        return true;
    }

    private List<LiveSession>? ExpireLeases(DateTimeOffset now)
    {
        var expired = _sessions.RemoveExpired(now);
        if (expired is not null)
        {
            foreach (var session in expired)
            {
                RememberEnded(session.SessionId, SessionEndReason.Idle, now);
            }

            LogLeasesExpired(SiteId, expired.Count);
        }

        return expired;
    }

    private void EndSession(LiveSession session, SessionEndReason reason, DateTimeOffset now)
    {
        _sessions.Remove(session.SessionId);
        RememberEnded(session.SessionId, reason, now);
    }

    private void RememberEnded(SessionId sessionId, SessionEndReason reason, DateTimeOffset now)
    {
        var ended = state.State.RecentlyEnded;
        if (ended.Count >= EndedSessionsKept)
        {
            ended.RemoveRange(0, ended.Count - EndedSessionsKept + 1);
        }

        ended.Add(new EndedSession { SessionId = sessionId, Reason = reason, EndedAt = now });
        _unsaved = true;
    }

    private LeaseLookup Lookup(SessionId sessionId)
    {
        if (_sessions.TryGet(sessionId, out var session))
        {
            return LeaseLookup.Held(LeaseOf(session, Settings));
        }

        var ended = state.State.RecentlyEnded.FindLast(e => e.SessionId == sessionId);
        return ended is null ? LeaseLookup.Unknown : LeaseLookup.Ended(ended.Reason);
    }

    private static SessionLease LeaseOf(LiveSession session, SiteSettings settings) => new()
    {
        LastActivityAt = session.LastActivityAt,
        IdleTimeout = settings.IdleTimeout,
        ExpiresAt = session.ExpiresAt,
    };

    private SessionRefused Refuse(RefusalReason reason, SiteSettings settings, string userId, DateTimeOffset now)
    {
        var oldestActivity = reason switch
        {
            RefusalReason.SiteFull => _sessions.OldestCountedActivity(),
            RefusalReason.UserLimit => _sessions.OldestCountedActivity(userId),
            _ => null,
        };
        var freesAt = oldestActivity + settings.IdleTimeout;

        return new SessionRefused
        {
            Reason = reason,
            Active = _sessions.Counted,
            Limit = settings.Limit,
            Message = settings.RenderMessage(_sessions.Counted),
            RetryAfter = freesAt is { } at ? Max(at - now, TimeSpan.FromSeconds(1)) : null,
        };
    }

    private async Task SaveIfChangedAsync()
    {
        if (_unsaved)
        {
            await SaveAsync();
        }
    }

    private async Task SaveAsync()
    {
        try
        {
            await state.WriteStateAsync();
            _unsaved = false;
        }
        catch (Exception ex)
        {
            // This activation's memory may now be ahead of storage. Drop it, so the next request
            // starts again from what storage holds, and let this request fail: nothing was acknowledged.
            LogSaveFailed(ex, SiteId);
            DeactivateOnIdle();
            throw;
        }
    }

    private void NotifyEnded(List<LiveSession>? sessions, SessionEndReason reason)
    {
        if (sessions is null)
        {
            return;
        }

        foreach (var session in sessions)
        {
            Control(session.SessionId).EndAsync(reason).Ignore();
        }
    }

    private void ScheduleExpiryTimer(DateTimeOffset now)
    {
        var next = _sessions.NextExpiry();
        var due = next is { } at ? Max(at - now, TimeSpan.Zero) : Timeout.InfiniteTimeSpan;
        _expiryTimer?.Change(due, Timeout.InfiniteTimeSpan);
    }

    private ISessionControlGrain Control(SessionId sessionId) =>
        GrainFactory.GetGrain<ISessionControlGrain>(sessionId.Value, SiteId);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Site {SiteId} admitted session {SessionId} (exempt: {Exempt}); {Active} of {Limit} seats taken")]
    private partial void LogAdmitted(string siteId, SessionId sessionId, bool exempt, int active, int limit);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Site {SiteId} refused a session: {Reason}; {Active} of {Limit} seats taken")]
    private partial void LogRefused(string siteId, RefusalReason reason, int active, int limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Site {SiteId} settings changed: limit {Limit}, idle timeout {IdleTimeout}, when full {OnFull}")]
    private partial void LogSettingsChanged(string siteId, int limit, TimeSpan idleTimeout, FullSitePolicy onFull);

    [LoggerMessage(Level = LogLevel.Information, Message = "Site {SiteId} session {SessionId} kicked by an operator")]
    private partial void LogKicked(string siteId, SessionId sessionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Site {SiteId} session {SessionId} released: {Reason}")]
    private partial void LogReleased(string siteId, SessionId sessionId, SessionEndReason reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Site {SiteId}: {Count} session lease(s) ran out")]
    private partial void LogLeasesExpired(string siteId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Site {SiteId}: saving state failed; the activation is dropped so the next request reloads from storage")]
    private partial void LogSaveFailed(Exception exception, string siteId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId}: saving expired leases failed; will retry")]
    private partial void LogExpirySaveFailed(Exception exception, string siteId);
}
