using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Sites.Storage;

namespace SessionGrains.Grains.Sites;

/// <summary>
/// Decides admissions for one site over the live session set it keeps in memory and in storage. Every decision
/// is made within one turn, with no await between reading the set and changing it, which is what makes
/// admissions atomic even though the grain interleaves requests: while one write is in flight the next
/// requests are decided, and their changes go together in the next write (group commit, see
/// <c>SiteGrain.Commit.cs</c>). Nothing is acknowledged before the write that holds it succeeded, and the
/// sessions it ended are told so only then.
/// Session grains keep their seats by renewing leases (see <c>SiteGrain.Leases.cs</c>); a lease that runs out
/// frees its seat, so a session whose grain vanished (its silo died) stops counting by itself.
/// </summary>
[Reentrant]
public sealed partial class SiteGrain(
    ISiteStore store,
    [PersistentState("activity", StorageNames.Default)] IPersistentState<ActivityState> activityState,
    IOptionsMonitor<SiteDefaultsOptions> defaults,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider clock,
    ILogger<SiteGrain> logger) : Grain, ISiteGrain, ISiteLeaseGrain, IRemindable
{
    /// <summary>How many sessions ended by the site itself it remembers, for session grains that missed the notice.</summary>
    public const int EndedSessionsKept = 256;

    private readonly List<(SessionId SessionId, SessionEndReason Reason)> _unsentEndNotices = [];
    private SiteHeader _header = new();
    private LiveSessionSet _sessions = null!;
    private IGrainTimer? _expiryTimer;

    private string? _siteId;
    private bool _siteIdValid;

    // Read on every decision (logs, validation): parse the grain's key once.
    private string SiteId => _siteId ??= this.GetPrimaryKeyString();

    private SiteSettings Settings => _header.Settings ?? defaults.CurrentValue.ToSettings();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync(SiteId, cancellationToken);
        _version = stored?.Version ?? 0;
        _header = stored?.Header ?? new SiteHeader();
        _sessions = new LiveSessionSet(stored?.Sessions ?? []);
        _expiryTimer = this.RegisterGrainTimer(
            OnLeasesExpiringAsync,
            new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        var now = clock.GetUtcNow();
        StartActivity(now);

        // Leases that ran out while no activation held this site (a restart) make the timer fire at once.
        ScheduleExpiryTimer(now);
    }

    public async Task<OpenSessionResult> OpenSessionAsync(OpenSessionRequest request)
    {
        EnsureValidSiteId();
        RequestRules.EnsureValid(request);

        var now = clock.GetUtcNow();
        ExpireLeases(now);
        var (result, started) = Decide(request, Settings, now);
        await CommitAsync();
        Start(started);
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
        var started = new List<(SessionId, SessionLease)>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            (results[i], var admitted) = Decide(requests[i], settings, now);
            if (admitted is { } start)
            {
                started.Add(start);
            }
        }

        await CommitAsync();
        foreach (var start in started)
        {
            Start(start);
        }

        return results;
    }

    /// <summary>
    /// One admission decision, applied to the set in memory; nothing is acknowledged before the write that holds it.
    /// Returns the answer (as the decision saw the site) and, when admitted, the session grain's start notice to send
    /// once that write succeeded.
    /// </summary>
    private (OpenSessionResult Result, (SessionId, SessionLease)? Start) Decide(OpenSessionRequest request, SiteSettings settings, DateTimeOffset now)
    {
        if (request.Resumes is { } previous)
        {
            if (_sessions.FindResumption(previous, request.UserId) is { } resumed)
            {
                // A repeated resume (parallel requests, a retry, another web server): the same seat, not a second one.
                return (Admitted(resumed, settings), null);
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
            _activity.RecordRefusal(now);
            LogRefused(SiteId, refusal.Reason, _sessions.Counted, settings.Limit);
            return (Refuse(refusal.Reason, settings, request.UserId, now), null);
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
            Roles = request.Roles.Count == 0 ? [] : [.. request.Roles],
            ClientIp = request.ClientIp,
            UserAgent = request.UserAgent,
            StartedAt = now,
            Exempt = admit.Exempt,
            LastActivityAt = now,
            ExpiresAt = LeaseTerms.ExpiresAt(now, settings.IdleTimeout, exact: false),
            Resumes = request.Resumes,
        };
        _sessions.Add(session);
        LogAdmitted(SiteId, session.SessionId, session.Exempt, _sessions.Counted, settings.Limit);
        return (Admitted(session, settings), (session.SessionId, LeaseOf(session, settings)));
    }

    /// <summary>Starts an admitted session's grain, whose idle timer runs from then on: only once its admission is stored.</summary>
    private void Start((SessionId SessionId, SessionLease Lease)? admitted)
    {
        if (admitted is { } start)
        {
            Control(start.SessionId).StartAsync(start.Lease).Ignore();
        }
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

        _header.Settings = updated;
        _headerChanged = true;
        await CommitAsync();
        LogSettingsChanged(SiteId, updated.Limit, updated.IdleTimeout, updated.OnFull);
        return updated;
    }

    public async Task<SiteStatus> GetStatusAsync()
    {
        EnsureValidSiteId();
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        await CommitAsync();
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
        EnsureValidSiteId();
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        await CommitAsync();
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
        EnsureValidSiteId();
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        var live = _sessions.TryGet(sessionId, out var session);
        if (live)
        {
            EndSession(session, SessionEndReason.Kicked, now);
            LogKicked(SiteId, sessionId);
        }

        await CommitAsync();
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
        var ended = _header.RecentlyEnded;
        if (ended.Count >= EndedSessionsKept)
        {
            ended.RemoveRange(0, ended.Count - EndedSessionsKept + 1);
        }

        ended.Add(new EndedSession { SessionId = session.SessionId, Reason = reason, EndedAt = now });
        _unsentEndNotices.Add((session.SessionId, reason));
        _headerChanged = true;
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

    /// <summary>Refuses calls to a site whose id no request may name; checked once per activation, as ids never change.</summary>
    private void EnsureValidSiteId()
    {
        if (!_siteIdValid)
        {
            RequestRules.EnsureValidSiteId(SiteId);
            _siteIdValid = true;
        }
    }

    private ISessionControlGrain Control(SessionId sessionId) =>
        GrainFactory.GetGrain<ISessionControlGrain>(sessionId.Value, SiteId);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
