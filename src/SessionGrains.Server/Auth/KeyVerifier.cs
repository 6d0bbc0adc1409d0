using SessionGrains.Server.Hosting;

namespace SessionGrains.Server.Auth;

/// <summary>
/// Tells who a presented key belongs to, the same way for the HTTP API and for Orleans clients: the admin key, a live
/// site key, or nobody. A site key with a made-up id is refused in memory (<see cref="SiteKeyIds"/>); a genuine id costs
/// one grain call at most every <see cref="SiteKeyStore.CacheFor"/>.
/// </summary>
public sealed class KeyVerifier(AdminKey adminKey, SiteKeyStore siteKeys)
{
    public async ValueTask<Caller?> IdentifyAsync(string presented)
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
