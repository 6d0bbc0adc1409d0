namespace SessionGrains.Benchmarks.Peers;

/// <summary>
/// The operations every contender offers, so one load loop drives SessionGrains and its peers alike.
/// Implementations must be safe to call from many concurrent workers.
/// </summary>
public interface ISessionLimiter : IAsyncDisposable
{
    /// <summary>Shown in the report.</summary>
    string Name { get; }

    /// <summary>Creates (or resets) a site with this limit and idle timeout, already holding <paramref name="liveSessions"/> sessions.</summary>
    /// <returns>The ids of those live sessions, for touches.</returns>
    Task<IReadOnlyList<string>> CreateSiteAsync(string siteId, int limit, TimeSpan idleTimeout, int liveSessions);

    /// <summary>One admission decision: the new session's id when admitted, null when refused.</summary>
    ValueTask<string?> OpenAsync(string siteId, string userId);

    /// <summary>Records activity on a live session (moves its idle deadline).</summary>
    ValueTask TouchAsync(string siteId, string sessionId);

    /// <summary>Ends a session (sign-out) and frees its seat.</summary>
    ValueTask EndAsync(string siteId, string sessionId);
}
