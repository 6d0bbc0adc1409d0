using Microsoft.Extensions.Caching.Memory;

namespace SessionGrains.Server.Auth;

/// <summary>
/// Finds site keys by id, remembering answers (including "no such key") briefly, so a busy client costs no grain
/// call per request. A revoked key stops working here at once and on other servers within <see cref="CacheFor"/>.
/// </summary>
public sealed class SiteKeyStore(IGrainFactory grains) : IDisposable
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    public async Task<ApiKeyRecord?> FindAsync(string keyId)
    {
        if (_cache.TryGetValue(keyId, out ApiKeyRecord? cached))
        {
            return cached;
        }

        var record = await grains.GetGrain<IApiKeyGrain>(keyId).GetAsync();
        _cache.Set(keyId, record, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = CacheFor });
        return record;
    }

    public void Forget(string keyId) => _cache.Remove(keyId);

    public void Dispose() => _cache.Dispose();
}
