using System.Collections.Concurrent;
using SessionGrains.Grains.Sites;
using SessionGrains.Grains.Sites.Storage;

namespace SessionGrains.Server.Storage.Sites;

/// <summary>Sites in this process's memory (storage kind Memory): the same contract, and nothing survives a restart.</summary>
public sealed class MemorySiteStore : ISiteStore
{
    private readonly ConcurrentDictionary<string, Site> _sites = new(StringComparer.Ordinal);

    public Task<StoredSite?> ReadAsync(string siteId, CancellationToken cancellationToken = default)
    {
        if (!_sites.TryGetValue(siteId, out var site))
        {
            return Task.FromResult<StoredSite?>(null);
        }

        lock (site)
        {
            // Copies: the reader's activation changes its records in place.
            return Task.FromResult<StoredSite?>(new StoredSite(
                site.Version,
                site.Header.Snapshot(),
                [.. site.Sessions.Values.Select(session => session with { })]));
        }
    }

    public Task WriteAsync(SiteWrite write, CancellationToken cancellationToken = default)
    {
        var site = _sites.GetOrAdd(write.SiteId, _ => new Site());
        lock (site)
        {
            if (site.Version != write.ExpectedVersion)
            {
                throw new SiteWriteConflictException(write.SiteId);
            }

            site.Version++;
            if (write.Header is { } header)
            {
                site.Header = header;
            }

            // The write's records are already the writer's copies.
            foreach (var session in write.Upserts)
            {
                site.Sessions[session.SessionId] = session;
            }

            foreach (var removed in write.Removals)
            {
                site.Sessions.Remove(removed);
            }
        }

        return Task.CompletedTask;
    }

    private sealed class Site
    {
        public long Version { get; set; }

        public SiteHeader Header { get; set; } = new();

        public Dictionary<SessionId, LiveSession> Sessions { get; } = [];
    }
}
