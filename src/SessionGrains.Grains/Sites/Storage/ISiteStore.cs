using SessionGrains.Grains.Sessions;

namespace SessionGrains.Grains.Sites.Storage;

/// <summary>
/// Where a site keeps its state: a header (settings and the like), one record per live session and one per waiting
/// ticket, so a write carries only what changed since the last one and costs the same whether the site holds ten
/// sessions or a million.
/// </summary>
/// <remarks>
/// Implementations throw <see cref="StorageUnavailableException"/> when the database cannot answer, and
/// <see cref="SiteWriteConflictException"/> when the stored version is not the one the write expects (another
/// activation of the site wrote since). A write is all or nothing.
/// </remarks>
public interface ISiteStore
{
    /// <summary>The stored site, or null if it was never written.</summary>
    Task<StoredSite?> ReadAsync(string siteId, CancellationToken cancellationToken = default);

    /// <summary>Applies <paramref name="write"/> if the stored version is still <see cref="SiteWrite.ExpectedVersion"/>, and moves it one on.</summary>
    Task WriteAsync(SiteWrite write, CancellationToken cancellationToken = default);

    /// <summary>The site's stored usage rows from <paramref name="firstDay"/> to <paramref name="lastDay"/> (both included), oldest first.</summary>
    Task<IReadOnlyList<UsageDay>> ReadUsageAsync(string siteId, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken = default);
}

/// <summary>A site as stored: its version (one per write), header, live sessions and waiting line.</summary>
public sealed record StoredSite(long Version, SiteHeader Header, IReadOnlyList<LiveSession> Sessions)
{
    /// <summary>The tickets of the site's waiting line, in no particular order (their sequence gives it).</summary>
    public IReadOnlyList<WaitingTicket> Tickets { get; init; } = [];
}

/// <summary>
/// The changes of one write. The records are the writer's own copies: the store may read them after the site has
/// moved on. <see cref="ExpectedVersion"/> 0 means the site was never stored.
/// </summary>
public sealed record SiteWrite(
    string SiteId,
    long ExpectedVersion,
    SiteHeader? Header,
    IReadOnlyList<LiveSession> Upserts,
    IReadOnlyList<SessionId> Removals)
{
    /// <summary>Tickets of the waiting line that joined or changed.</summary>
    public IReadOnlyList<WaitingTicket> TicketUpserts { get; init; } = [];

    /// <summary>Tickets that left the line (admitted, expired, withdrawn).</summary>
    public IReadOnlyList<SessionId> TicketRemovals { get; init; } = [];

    public bool HasTicketChanges => TicketUpserts.Count > 0 || TicketRemovals.Count > 0;

    /// <summary>The site's usage rows (one per UTC day) that changed: written whole, gated by the same version check.</summary>
    public IReadOnlyList<UsageDay> UsageUpserts { get; init; } = [];

    /// <summary>
    /// How the sessions this write removes ended (<see cref="ISessionEndLog"/>): recorded with it, gated by the same
    /// version check, so a freed seat always has its end on record.
    /// </summary>
    public IReadOnlyList<SessionEnd> Ends { get; init; } = [];

    public bool IsEmpty => Header is null && Upserts.Count == 0 && Removals.Count == 0 && !HasTicketChanges && UsageUpserts.Count == 0 && Ends.Count == 0;
}

/// <summary>Another activation of the site wrote first; this one's memory is stale.</summary>
public sealed class SiteWriteConflictException(string siteId)
    : Exception($"Site {siteId} was written by another activation.");
