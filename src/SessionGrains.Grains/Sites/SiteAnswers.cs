namespace SessionGrains.Grains.Sites;

/// <summary>What a site answers a sign-in, as its decision saw the site.</summary>
internal static class SiteAnswers
{
    public static SessionAdmitted Admitted(LiveSession session, int counted, SiteSettings settings) => new()
    {
        SessionId = session.SessionId,
        Active = counted,
        Limit = settings.Limit,
        IdleExpiresAt = session.LastActivityAt + settings.IdleTimeout,
        Exempt = session.Exempt,
    };

    /// <summary>A refusal, with a hint of when a seat frees up at the latest: when the idlest counted session would time out.</summary>
    public static SessionRefused Refused(RefusalReason reason, LiveSessionSet sessions, SiteSettings settings, string userId, DateTimeOffset now)
    {
        var oldestActivity = reason switch
        {
            RefusalReason.SiteFull => sessions.OldestCountedActivity(),
            RefusalReason.UserLimit => sessions.OldestCountedActivity(userId),
            RefusalReason.MaxSessions => sessions.OldestCountedActivity(),
            _ => null,
        };
        var freesAt = oldestActivity + settings.IdleTimeout;

        return new SessionRefused
        {
            Reason = reason,
            Active = sessions.Counted,
            Limit = settings.Limit,
            Message = settings.RenderMessage(reason, sessions.Counted, reason == RefusalReason.UserLimit ? sessions.CountedFor(userId) : 0),
            RetryAfter = freesAt is { } at ? Max(at - now, TimeSpan.FromSeconds(1)) : null,
        };
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
