namespace SessionGrains.Grains.Sites;

/// <summary>
/// The live sessions of one site with the indexes the admission rule needs: the counted total,
/// counts per user, and the order in which leases run out. Wraps the persisted dictionary, so the
/// state written to storage is always exactly what this set holds.
/// </summary>
internal sealed class LiveSessionSet
{
    private readonly Dictionary<SessionId, LiveSession> _sessions;
    private readonly Dictionary<string, int> _countedPerUser = new(StringComparer.Ordinal);
    private readonly Dictionary<(SessionId Previous, string UserId), SessionId> _resumedBy = [];

    // Lazy deletion: a renewal enqueues the new expiry and leaves the old entry behind;
    // entries that no longer match the session's current lease are skipped when they surface.
    private readonly PriorityQueue<SessionId, DateTimeOffset> _expiries = new();

    public LiveSessionSet(Dictionary<SessionId, LiveSession> sessions)
    {
        _sessions = sessions;
        foreach (var session in sessions.Values)
        {
            Index(session);
        }
    }

    /// <summary>Sessions that take a seat (exempt ones do not).</summary>
    public int Counted { get; private set; }

    public IEnumerable<LiveSession> All => _sessions.Values;

    /// <summary>Live sessions, exempt ones included.</summary>
    public int Count => _sessions.Count;

    public int CountedFor(string userId) => _countedPerUser.GetValueOrDefault(userId);

    public bool TryGet(SessionId id, out LiveSession session) => _sessions.TryGetValue(id, out session!);

    public void Add(LiveSession session)
    {
        _sessions.Add(session.SessionId, session);
        Index(session);
    }

    public LiveSession? Remove(SessionId id)
    {
        if (!_sessions.Remove(id, out var session))
        {
            return null;
        }

        if (session.Resumes is { } previous)
        {
            _resumedBy.Remove((previous, session.UserId));
        }

        if (!session.Exempt)
        {
            Counted--;
            var left = _countedPerUser[session.UserId] - 1;
            if (left == 0)
            {
                _countedPerUser.Remove(session.UserId);
            }
            else
            {
                _countedPerUser[session.UserId] = left;
            }
        }

        return session;
    }

    public void Renew(LiveSession session, DateTimeOffset lastActivityAt, DateTimeOffset expiresAt)
    {
        session.LastActivityAt = lastActivityAt;
        session.ExpiresAt = expiresAt;
        _expiries.Enqueue(session.SessionId, expiresAt);
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

    /// <summary>The counted session with the oldest known activity, optionally only among one user's sessions.</summary>
    public LiveSession? FindIdlest(string? userId = null)
    {
        LiveSession? idlest = null;
        foreach (var session in _sessions.Values)
        {
            if (session.Exempt || (userId is not null && !string.Equals(session.UserId, userId, StringComparison.Ordinal)))
            {
                continue;
            }

            if (idlest is null || session.LastActivityAt < idlest.LastActivityAt)
            {
                idlest = session;
            }
        }

        return idlest;
    }

    /// <summary>The oldest known activity among counted sessions (optionally one user's): the next seat to free up by idleness.</summary>
    public DateTimeOffset? OldestCountedActivity(string? userId = null) => FindIdlest(userId)?.LastActivityAt;

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
            _countedPerUser[session.UserId] = CountedFor(session.UserId) + 1;
        }
    }
}
