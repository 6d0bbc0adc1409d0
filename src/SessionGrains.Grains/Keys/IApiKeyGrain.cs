namespace SessionGrains.Grains.Keys;

/// <summary>
/// One API key a site was issued (key: the key's public id). Holds only a hash of the key's secret,
/// so a copy of the database cannot be used to call the API.
/// </summary>
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>Records a new key for <paramref name="siteId"/>. Refused if this key id is already taken.</summary>
    Task IssueAsync(string siteId, byte[] secretHash);

    /// <summary>The key as stored, or null when no such key was issued or it was revoked.</summary>
    Task<ApiKeyRecord?> GetAsync();

    /// <summary>
    /// Revokes the key if it is <paramref name="siteId"/>'s. Returns false, changing nothing, when no key with this id
    /// was issued to that site; revoking a revoked key returns true again (idempotent).
    /// </summary>
    Task<bool> RevokeAsync(string siteId);
}

[GenerateSerializer, Immutable]
public sealed record ApiKeyRecord
{
    [Id(0)]
    public required string SiteId { get; init; }

    /// <summary>SHA-256 of the key's secret part.</summary>
    [Id(1)]
    public required byte[] SecretHash { get; init; }

    [Id(2)]
    public required DateTimeOffset IssuedAt { get; init; }
}
