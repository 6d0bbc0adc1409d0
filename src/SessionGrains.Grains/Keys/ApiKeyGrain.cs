using Microsoft.Extensions.DependencyInjection;

namespace SessionGrains.Grains.Keys;

public sealed class ApiKeyGrain(
    [PersistentState(ApiKeyGrain.StateName, StorageNames.Default)] IPersistentState<ApiKeyState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider clock) : Grain, IApiKeyGrain
{
    /// <summary>The name its state is stored under; the server lists stored keys by it (legacy key ids).</summary>
    public const string StateName = "key";

    public async Task IssueAsync(string siteId, byte[] secretHash)
    {
        RequestRules.EnsureValidSiteId(siteId);
        if (secretHash is not { Length: 32 })
        {
            throw new InvalidRequestException("secretHash", "A key's secret hash is a SHA-256 digest (32 bytes).");
        }

        if (state.State.Key is not null || state.State.Revoked)
        {
            throw new InvalidRequestException("keyId", "This key id is already taken.");
        }

        state.State.Key = new ApiKeyRecord { SiteId = siteId, SecretHash = secretHash, IssuedAt = clock.GetUtcNow() };
        await state.WriteStateAsync();
    }

    public Task<ApiKeyRecord?> GetAsync() => Task.FromResult(state.State.Revoked ? null : state.State.Key);

    public async Task<bool> RevokeAsync(string siteId)
    {
        if (state.State.Key is not { } key || key.SiteId != siteId)
        {
            return false;
        }

        if (!state.State.Revoked)
        {
            // The record stays (only its hash), so a revoked id can never be issued again.
            state.State.Revoked = true;
            await state.WriteStateAsync();
        }

        return true;
    }
}

[GenerateSerializer]
public sealed record ApiKeyState
{
    [Id(0)]
    public ApiKeyRecord? Key { get; set; }

    [Id(1)]
    public bool Revoked { get; set; }
}
