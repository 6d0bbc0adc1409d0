using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionGrains.Grains.Sessions;
using SessionGrains.Internal;

namespace SessionGrains.Grains.Sites;

/// <summary>
/// Decides admissions for one site, one request at a time (the grain is not reentrant), over the live
/// session set it keeps in memory and in storage. Every change is written before it is acknowledged,
/// and the sessions it ended are told so only once that write succeeded.
/// Session grains keep their seats by renewing leases (see <c>SiteGrain.Leases.cs</c>); a lease that runs out
/// frees its seat, so a session whose grain vanished (its silo died) stops counting by itself.
/// </summary>
public sealed partial class SiteGrain(
    [PersistentState("site", StorageNames.Default)] IPersistentState<SiteState> state,
    [PersistentState("activity", StorageNames.Default)] IPersistentState<ActivityState> activityState,
    IOptionsMonitor<SiteDefaultsOptions> defaults,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider clock,
    ILogger<SiteGrain> logger) : Grain, ISiteGrain, ISiteLeaseGrain, IRemindable
{
    /// <summary>How many sessions ended by the site itself it remembers, for session grains that missed the notice.</summary>
    public const int EndedSessionsKept = 256;

    private readonly List<(SessionId SessionId, SessionEndReason Reason)> _unsentEndNotices = [];
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
        var now = clock.GetUtcNow();
        ScheduleExpiryTimer(now);
        StartActivity(now);
        return Task.CompletedTask;
    }

    public async Task<OpenSessionResult> OpenSessionAsync(OpenSessionRequest request)
    {
        RequestRules.EnsureValidSiteId(SiteId);
        RequestRules.EnsureValid(request);

        var now = clock.GetUtcNow();
        ExpireLeases(now);
        var settings = Settings;
        if (request.Resumes is { } previous)
        {
            if (_sessions.FindResumption(previous, request.UserId) is { } resumed)
            {
                // A repeated resume (parallel requests, a retry, another web server): the same seat, not a second one.
                await SaveIfChangedAsync();
                return Admitted(resumed, settings);
            }

            if (_sessions.TryGet(previous, out var stale) && string.Equals(stale.UserId, request.UserId, StringComparison.Ordinal))
            {
                // The caller saw this session end for idleness, but its release never reached the site.
                EndSession(stale, SessionEndReason.Idle, now);
            }
        }

        var decision = AdmissionRule.Decide(settings, _sessions, request.UserId, settings.IsExempt(request.Roles));
        if (decision is AdmissionDecision.Refuse refusal)
        {
            await SaveIfChangedAsync();
            _activity.RecordRefusal(now);
            LogRefused(SiteId, refusal.Reason, _sessions.Counted, settings.Limit);
            return Refuse(refusal.Reason, settings, request.UserId, now);
        }

        var admit = (AdmissionDecision.Admit)decision;
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
            Resumes = request.Resumes,
        };
        _sessions.Add(session);
        await SaveAsync();

        Control(session.SessionId).StartAsync(LeaseOf(session, settings)).Ignore();
        LogAdmitted(SiteId, session.SessionId, session.Exempt, _sessions.Counted, settings.Limit);
        return Admitted(session, settings);
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
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        await SaveIfChangedAsync();
        var settings = Settings;
        return new SiteStatus
        {
            SiteId = SiteId,
            Settings = settings,
            Active = _sessions.Counted,
            Sessions = [.. _sessions.All.OrderBy(s => s.StartedAt).Select(s => s.ToInfo(settings.IdleTimeout))],
            RefusalsLastHour = RefusalsLastHour(now),
            PeakToday = PeakToday(now),
        };
    }

    public async Task<SiteSummary> GetSummaryAsync()
    {
        RequestRules.EnsureValidSiteId(SiteId);
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        await SaveIfChangedAsync();
        return new SiteSummary
        {
            SiteId = SiteId,
            Settings = Settings,
            Active = _sessions.Counted,
            Exempt = _sessions.Count - _sessions.Counted,
            RefusalsLastHour = RefusalsLastHour(now),
            PeakToday = PeakToday(now),
        };
    }

    public async Task<bool> KickAsync(SessionId sessionId)
    {
        RequestRules.EnsureValidSiteId(SiteId);
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        var live = _sessions.TryGet(sessionId, out var session);
        if (live)
        {
            EndSession(session, SessionEndReason.Kicked, now);
            LogKicked(SiteId, sessionId);
        }

        await SaveIfChangedAsync();
        return live;
    }

    private SessionAdmitted Admitted(LiveSession session, SiteSettings settings) => new()
    {
        SessionId = session.SessionId,
        Active = _sessions.Counted,
        Limit = settings.Limit,
        IdleExpiresAt = session.LastActivityAt + settings.IdleTimeout,
        Exempt = session.Exempt,
    };

    /// <summary>Ends a session by the site's own decision: it is remembered, and told once the ending is saved.</summary>
    private void EndSession(LiveSession session, SessionEndReason reason, DateTimeOffset now)
    {
        _sessions.Remove(session.SessionId);
        var ended = state.State.RecentlyEnded;
        if (ended.Count >= EndedSessionsKept)
        {
            ended.RemoveRange(0, ended.Count - EndedSessionsKept + 1);
        }

        ended.Add(new EndedSession { SessionId = session.SessionId, Reason = reason, EndedAt = now });
        _unsentEndNotices.Add((session.SessionId, reason));
        _unsaved = true;
    }

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
            if (!state.State.Listed)
            {
                // Once per site, with the site's first write; registering twice is harmless, so no ordering issue.
                await GrainFactory.GetGrain<ISiteDirectoryGrain>(ISiteDirectoryGrain.Key).RegisterAsync(SiteId);
                state.State.Listed = true;
            }

            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            // This activation's memory may now be ahead of storage. Drop it, so the next request
            // starts again from what storage holds, and let this request fail: nothing was acknowledged.
            LogSaveFailed(ex, SiteId);
            _unsentEndNotices.Clear();
            DeactivateOnIdle();

            // Callers of the grain get one plain type for "not saved, try again": the storage bridge wraps
            // database faults in Orleans' own exception, and a write conflict has a type of its own.
            throw new StorageUnavailableException();
        }

        _unsaved = false;
        foreach (var (sessionId, reason) in _unsentEndNotices)
        {
            Control(sessionId).EndAsync(reason).Ignore();
        }

        _unsentEndNotices.Clear();
        var now = clock.GetUtcNow();
        ScheduleExpiryTimer(now);
        KeepBackstop();

        // Every change of the count is saved here first: the history shows only what was acknowledged.
        _activity.RecordActive(now, _sessions.Counted);
    }

    private ISessionControlGrain Control(SessionId sessionId) =>
        GrainFactory.GetGrain<ISessionControlGrain>(sessionId.Value, SiteId);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
