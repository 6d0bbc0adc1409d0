namespace SessionGrains.Grains.Sessions;

/// <summary>
/// How sessions ended, kept for <see cref="Retention"/> so a user who comes back after their session's grain was
/// gone (an idle end, a silo restart) is told why it ended rather than that it never existed. Each end is recorded
/// by its site, in the write that frees the seat (<see cref="Sites.Storage.SiteWrite.Ends"/>). While a session is live
/// its site's lease is its durable record, so touches never write here.
/// </summary>
/// <remarks>
/// A store may also keep only each site's newest ends (the state store's <c>SessionGrains:EndedSessions:KeptPerSite</c>):
/// a session whose record is gone is unknown, as if it had never been, and its user must sign in again.
/// Implementations throw <see cref="StorageUnavailableException"/> when the database cannot answer.
/// </remarks>
public interface ISessionEndLog
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    Task<SessionEnd?> FindAsync(string siteId, SessionId sessionId, CancellationToken cancellationToken = default);
}

public sealed record SessionEnd(string SiteId, SessionId SessionId, SessionEndReason Reason, DateTimeOffset EndedAt);
