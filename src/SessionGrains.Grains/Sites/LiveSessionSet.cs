namespace SessionGrains.Grains.Sites;

/// <summary>
/// The live sessions of one site with the indexes the admission rule needs, so no decision scans the site: the
/// counted total, the seats per user, the order of idleness and the order in which leases run out. It also notes
/// which sessions changed since the last write, so a write carries those alone (<see cref="TakeChanges"/>).
/// </summary>
internal sealed class LiveSessionSet
{
    private readonly Dictionary<SessionId, LiveSession> _sessions = [];
    private readonly SeatsPerUser _seatsPerUser = new();
    private readonly HashSet<SessionId> _changed = [];
    private readonly HashSet<SessionId> _removed = [];

    private readonly Dictionary<(SessionId Previous, string UserId), SessionId> _resumedBy = [];

    // Lazy deletion: a renewal enqueues the new expiry and leaves the old entry behind;
    // entries that no longer match the session's current lease are skipped when they surface.
    private readonly PriorityQueue<SessionId, DateTimeOffset> _expiries = new();

    // Counted sessions idlest first (LiveSession.IdleRank), with lazy deletion as above. Built the first time the
    // site looks for its idlest session (it is full), so sites that never fill pay no memory for it, and rebuilt
    // whenever stale entries outnumber live ones, which bounds its size.
    private PriorityQueue<LiveSession, (long ActivityTicks, long StartedTicks)>? _idleOrder;

    public LiveSessionSet(IEnumerable<LiveSession> stored)
    {
        foreach (var session in stored)
        {
            _sessions.Add(session.SessionId, session);
            Index(session);
        }
    }

    /// <summary>Sessions that take a seat (exempt ones do not).</summary>
    public int Counted { get; private set; }

    public IEnumerable<LiveSession> All => _sessions.Values;

    /// <summary>Live sessions, exempt ones included.</summary>
    public int Count => _sessions.Count;

    /// <summary>Sessions added, renewed or removed since the last <see cref="TakeChanges"/>.</summary>
    public bool HasChanges => _changed.Count > 0 || _removed.Count > 0;

    public int CountedFor(string userId) => _seatsPerUser.CountFor(userId);

    public bool TryGet(SessionId id, out LiveSession session) => _sessions.TryGetValue(id, out session!);

    public void Add(LiveSession session)
    {
        _sessions.Add(session.SessionId, session);
        Index(session);
        _changed.Add(session.SessionId);
        _removed.Remove(session.SessionId);
    }

    public LiveSession? Remove(SessionId id)
    {
        if (!_sessions.Remove(id, out var session))
        {
            return null;
        }

        _changed.Remove(id);
        _removed.Add(id);

        if (session.Resumes is { } previous)
        {
            _resumedBy.Remove((previous, session.UserId));
        }

        if (!session.Exempt)
        {
            Counted--;
            _seatsPerUser.Remove(session);
        }

        return session;
    }

    public void Renew(LiveSession session, DateTimeOffset lastActivityAt, DateTimeOffset expiresAt)
    {
        var activityMoved = session.LastActivityAt != lastActivityAt;
        session.LastActivityAt = lastActivityAt;
        session.ExpiresAt = expiresAt;
        _expiries.Enqueue(session.SessionId, expiresAt);
        _changed.Add(session.SessionId);
        if (activityMoved && !session.Exempt)
        {
            EnqueueIdle(session);
        }
    }

    /// <summary>
    /// What changed since the last call, as copies the store may read while this set moves on; the set then
    /// counts as unchanged. A session added and removed in between shows only as removed.
    /// </summary>
    public (IReadOnlyList<LiveSession> Upserts, IReadOnlyList<SessionId> Removals) TakeChanges()
    {
        if (!HasChanges)
        {
            return ([], []);
        }

        var upserts = new LiveSession[_changed.Count];
        var i = 0;
        foreach (var id in _changed)
        {
            upserts[i++] = _sessions[id] with { };
        }

        SessionId[] removals = [.. _removed];
        _changed.Clear();
        _removed.Clear();
        return (upserts, removals);
    }

    /// <summary>Removes and returns every session whose lease ran out at or before <paramref name="now"/>.</summary>
    public List<LiveSession>? RemoveExpired(DateTimeOffset now)
    {
        List<LiveSession>? expired = null;
        while (_expiries.TryPeek(out var id, out var expiresAt) && expiresAt <= now)
        {
            _expiries.Dequeue();
            if (_sessions.TryGetValue(id, out var session) && session.ExpiresAt <= now)
            {
                Remove(id);
                (expired ??= []).Add(session);
            }
        }

        return expired;
    }

    /// <summary>The moment the next lease runs out, if any session is live.</summary>
    public DateTimeOffset? NextExpiry()
    {
        while (_expiries.TryPeek(out var id, out var expiresAt))
        {
            if (_sessions.TryGetValue(id, out var session) && session.ExpiresAt == expiresAt)
            {
                return expiresAt;
            }

            _expiries.Dequeue();
        }

        return null;
    }

    /// <summary>The user's live session that continues <paramref name="previous"/>, if one was opened already.</summary>
    public LiveSession? FindResumption(SessionId previous, string userId) =>
        _resumedBy.TryGetValue((previous, userId), out var id) ? _sessions[id] : null;

    /// <summary>
    /// The counted session with the oldest known activity (the earliest started among equals), optionally only among
    /// one user's sessions.
    /// </summary>
    public LiveSession? FindIdlest(string? userId = null)
    {
        if (userId is not null)
        {
            return _seatsPerUser.FindIdlest(userId);
        }

        _idleOrder ??= BuildIdleOrder();
        while (_idleOrder.TryPeek(out var session, out var entry))
        {
            if (IsCurrent(session, entry.ActivityTicks))
            {
                return session;
            }

            _idleOrder.Dequeue();
        }

        return null;
    }

    /// <summary>The oldest known activity among counted sessions (optionally one user's): the next seat to free up by idleness.</summary>
    public DateTimeOffset? OldestCountedActivity(string? userId = null) => FindIdlest(userId)?.LastActivityAt;

    private bool IsCurrent(LiveSession session, long activityTicks) =>
        session.LastActivityAt.UtcTicks == activityTicks
        && _sessions.TryGetValue(session.SessionId, out var held)
        && ReferenceEquals(held, session);

    private void EnqueueIdle(LiveSession session)
    {
        if (_idleOrder is null)
        {
            return;
        }

        _idleOrder.Enqueue(session, session.IdleRank);
        if (_idleOrder.Count > (2 * Counted) + 64)
        {
            _idleOrder = BuildIdleOrder();
        }
    }

    private PriorityQueue<LiveSession, (long ActivityTicks, long StartedTicks)> BuildIdleOrder() =>
        new(_sessions.Values.Where(session => !session.Exempt).Select(session => (session, session.IdleRank)));

    private void Index(LiveSession session)
    {
        _expiries.Enqueue(session.SessionId, session.ExpiresAt);
        if (session.Resumes is { } previous)
        {
            _resumedBy[(previous, session.UserId)] = session.SessionId;
        }

        if (!session.Exempt)
        {
            Counted++;
            _seatsPerUser.Add(session);
            EnqueueIdle(session);
        }
    }
}
