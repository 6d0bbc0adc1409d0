namespace SessionGrains.Grains.Sites;

/// <summary>
/// The counted sessions of each user on one site, so a per-user limit is checked, and a user's idlest session
/// found, by looking at that user's sessions alone, however large the site.
/// </summary>
internal sealed class SeatsPerUser
{
    // A user holding one session (most users) maps to that session itself, and only a user holding more gets a
    // list: at a million seats, a list per user would cost more than the rest of the index.
    private readonly Dictionary<string, object> _seats = new(StringComparer.Ordinal);

    public int CountFor(string userId) => _seats.GetValueOrDefault(userId) switch
    {
        null => 0,
        List<LiveSession> several => several.Count,
        _ => 1,
    };

    public void Add(LiveSession session)
    {
        switch (_seats.GetValueOrDefault(session.UserId))
        {
            case null:
                _seats[session.UserId] = session;
                break;
            case List<LiveSession> several:
                several.Add(session);
                break;
            case LiveSession one:
                _seats[session.UserId] = new List<LiveSession>(2) { one, session };
                break;
        }
    }

    public void Remove(LiveSession session)
    {
        switch (_seats.GetValueOrDefault(session.UserId))
        {
            case List<LiveSession> several:
                several.RemoveAt(several.FindIndex(held => ReferenceEquals(held, session)));
                if (several.Count == 1)
                {
                    _seats[session.UserId] = several[0];
                }

                break;
            case LiveSession:
                _seats.Remove(session.UserId);
                break;
        }
    }

    /// <summary>The user's counted session with the oldest known activity (the earliest started among equals).</summary>
    public LiveSession? FindIdlest(string userId)
    {
        switch (_seats.GetValueOrDefault(userId))
        {
            case List<LiveSession> several:
                var idlest = several[0];
                foreach (var session in several)
                {
                    if (session.IdleRank.CompareTo(idlest.IdleRank) < 0)
                    {
                        idlest = session;
                    }
                }

                return idlest;
            case LiveSession one:
                return one;
            default:
                return null;
        }
    }
}
