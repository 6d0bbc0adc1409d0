namespace SessionGrains.Benchmarks.Peers;

/// <summary>A full site's waiting line as the benchmark drives it: newcomers join it, holders ask where they stand.</summary>
public interface IWaitingLinePeer : IAsyncDisposable
{
    string Name { get; }

    /// <summary>
    /// Readies a site that is full (one seat, taken, for longer than any run) and queues its newcomers, with tickets that
    /// last longer than any run, so a line only grows while it is measured.
    /// </summary>
    Task CreateSiteAsync(string siteId);

    /// <summary>Puts a newcomer in the line; returns what its holder asks again with (a ticket id, a location).</summary>
    ValueTask<string> JoinAsync(string siteId, string userId);

    /// <summary>Asks again about a ticket, which keeps it in the line; returns its position (1 is next).</summary>
    ValueTask<int> PollAsync(string siteId, string ticket);
}
