using Microsoft.Extensions.Caching.Memory;
using SessionGrains.Server.Hosting;

namespace SessionGrains.Server.Auth;

/// <summary>
/// Tells who a presented key belongs to, the same way for the HTTP API and for Orleans clients: the admin key, a live
/// site key, or nobody. A site key with a made-up id is refused in memory (<see cref="SiteKeyIds"/>); a genuine id costs
/// one grain call at most every <see cref="SiteKeyStore.CacheFor"/>.
/// </summary>
public sealed class KeyVerifier(AdminKey adminKey, SiteKeyStore siteKeys) : IDisposable
{
    // A busy app sends the same key with every call: a key verified lately is known by its exact text, so a repeat costs
    // one lookup instead of a MAC, a cache lookup and a hash. Only keys that passed go in, so strangers cannot fill it;
    // the lookup's timing says nothing useful, since string hashes are randomized per process.
    private readonly MemoryCache _verified = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public async ValueTask<Caller?> IdentifyAsync(string presented)
    {
        if (_verified.TryGetValue(presented, out Caller? known))
        {
            return known;
        }

        var caller = await VerifyAsync(presented);
        if (caller is not null)
        {
            _verified.Set(presented, caller, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = SiteKeyStore.CacheFor });
        }

        return caller;
    }

    /// <summary>A key was revoked through this server: it stops working here at once.</summary>
    public void Revoked(string keyId)
    {
        siteKeys.Revoked(keyId);

        // Revocations are rare; forgetting every verified key costs a few checks again.
        _verified.Clear();
    }

    public void Dispose() => _verified.Dispose();

    private async ValueTask<Caller?> VerifyAsync(string presented)
    {
        if (presented.Length is 0 or > SessionGrainsOptions.MaxApiKeyLength)
        {
            return null;
        }

        if (ApiKeys.TryParseSiteKey(presented, out var keyId, out var secret))
        {
            return await siteKeys.FindAsync(keyId) is { } record && ApiKeys.Matches(secret, record.SecretHash)
                ? Caller.Site(record.SiteId)
                : null;
        }

        return adminKey.Matches(presented) ? Caller.Admin : null;
    }
}
