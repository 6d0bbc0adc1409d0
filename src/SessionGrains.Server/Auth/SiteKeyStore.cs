using Microsoft.Extensions.Caching.Memory;
using SessionGrains.Grains.Keys;

namespace SessionGrains.Server.Auth;

/// <summary>
/// Finds site keys by id, remembering answers briefly, so a busy client costs no grain call per request. A made-up id
/// fails its check digits (<see cref="SiteKeyIds"/>) and costs nothing more. Known keys and ids without a live key
/// (revoked ones) are remembered apart, so a flood of those cannot push real keys out.
/// A revoked key stops working here at once and on other servers within <see cref="CacheFor"/>.
/// </summary>
public sealed class SiteKeyStore(IGrainFactory grains, SiteKeyIds keyIds) : IDisposable
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private readonly MemoryCache _known = new(new MemoryCacheOptions { SizeLimit = 100_000 });
    private readonly MemoryCache _unknown = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    // Keys revoked here lately: a lookup that started before the revocation must not put the key back.
    private readonly MemoryCache _revoked = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public async ValueTask<ApiKeyRecord?> FindAsync(string keyId)
    {
        if (!await keyIds.IsGenuineAsync(keyId))
        {
            return null;
        }

        if (_known.TryGetValue(keyId, out ApiKeyRecord? known))
        {
            return known;
        }

        if (_unknown.TryGetValue(keyId, out _))
        {
            return null;
        }

        var record = await grains.GetGrain<IApiKeyGrain>(keyId).GetAsync();
        if (_revoked.TryGetValue(keyId, out _))
        {
            return null;
        }

        var entry = new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = CacheFor };
        if (record is null)
        {
            _unknown.Set(keyId, true, entry);
        }
        else
        {
            _known.Set(keyId, record, entry);
        }

        return record;
    }

    public void Revoked(string keyId)
    {
        _revoked.Set(keyId, true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = CacheFor });
        _known.Remove(keyId);
    }

    public void Dispose()
    {
        _known.Dispose();
        _unknown.Dispose();
        _revoked.Dispose();
    }
}
