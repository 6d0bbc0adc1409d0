using Orleans.Concurrency;

namespace SessionGrains.Grains.Guard;

/// <summary>
/// A site's sign-in guard as callers see it (key: the site id): checks the input, then asks the shards that hold the
/// address and the user (<see cref="GuardShards"/>): one call when both hash to the same shard, else two side by side.
/// A stateless worker, so each silo answers from an activation of its own, without a hop to one busy grain; reentrant,
/// as it holds nothing: while one request waits for its shards, the next is already on its way to theirs.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class SignInGuardGrain : Grain, ISignInGuardGrain
{
    private string SiteId => this.GetPrimaryKeyString();

    public async Task<GuardVerdict> CheckAsync(SignInAttempt attempt)
    {
        var (address, userId) = Read(attempt);
        var (addressShard, userShard) = (GuardShards.ShardOf(address), GuardShards.ShardOf(userId));
        if (addressShard == userShard)
        {
            return await Shard(addressShard).CheckAsync(address, userId);
        }

        var byAddress = Shard(addressShard).CheckAsync(address, null);
        var byUser = Shard(userShard).CheckAsync(null, userId);
        return await byAddress is SignInBlocked blocked ? blocked : await byUser;
    }

    public Task ReportAsync(SignInAttempt attempt, bool succeeded)
    {
        var (address, userId) = Read(attempt);
        var (addressShard, userShard) = (GuardShards.ShardOf(address), GuardShards.ShardOf(userId));
        return addressShard == userShard
            ? Shard(addressShard).ReportAsync(address, userId, succeeded)
            : Task.WhenAll(Shard(addressShard).ReportAsync(address, null, succeeded), Shard(userShard).ReportAsync(null, userId, succeeded));
    }

    public async Task<IReadOnlyList<SignInBlock>> GetBlocksAsync()
    {
        RequestRules.EnsureValidSiteId(SiteId);
        var shards = await Task.WhenAll(Enumerable.Range(0, GuardShards.Count).Select(shard => Shard(shard).GetBlocksAsync()));
        return [.. shards.SelectMany(blocks => blocks).OrderBy(block => block.BlockedUntil).ThenBy(block => block.Value, StringComparer.Ordinal)];
    }

    public Task<bool> LiftAsync(BlockScope scope, string value)
    {
        RequestRules.EnsureValidSiteId(SiteId);
        switch (scope)
        {
            case BlockScope.Address when GuardAddress.TryParse(value, out var address):
                return Shard(GuardShards.ShardOf(address.Value)).LiftAsync(address, null);
            case BlockScope.Address:
                throw new InvalidRequestException("address", "The address is an IPv4 address (192.0.2.1), an IPv6 address, or an IPv6 /64 as a block names it (2001:db8:1:2::/64).");
            case BlockScope.User when RequestRules.IsValidUserId(value):
                return Shard(GuardShards.ShardOf(value)).LiftAsync(null, value);
            case BlockScope.User:
                throw new InvalidRequestException("userId", $"A user id is 1 to {RequestRules.MaxUserIdLength} characters, without control or format characters.");
            default:
                throw new InvalidRequestException("scope", "A block is of an address or of a user.");
        }
    }

    public async Task<GuardTracking> GetTrackingAsync()
    {
        RequestRules.EnsureValidSiteId(SiteId);
        var shards = await Task.WhenAll(Enumerable.Range(0, GuardShards.Count).Select(shard => Shard(shard).GetTrackingAsync()));
        return new GuardTracking { Addresses = shards.Sum(shard => shard.Addresses), Users = shards.Sum(shard => shard.Users) };
    }

    /// <summary>The attempt as the shards count it, or <see cref="InvalidRequestException"/> naming every bad field.</summary>
    private (GuardAddress Address, string UserId) Read(SignInAttempt? attempt)
    {
        RequestRules.EnsureValidSiteId(SiteId);
        if (attempt is null)
        {
            throw new InvalidRequestException("attempt", "A sign-in attempt is required.");
        }

        var errors = new List<RequestError>();
        if (!GuardAddress.TryParse(attempt.ClientIp, out var address) || attempt.ClientIp.EndsWith("/64", StringComparison.Ordinal))
        {
            errors.Add(new RequestError { Field = "clientIp", Message = "The client ip is an IPv4 address as four decimal numbers (192.0.2.1) or an IPv6 address (2001:db8::1)." });
        }

        if (!RequestRules.IsValidUserId(attempt.UserId))
        {
            errors.Add(new RequestError { Field = "userId", Message = $"A user id is 1 to {RequestRules.MaxUserIdLength} characters, without control or format characters." });
        }

        return errors.Count > 0 ? throw new InvalidRequestException(errors) : (address!.Value, attempt.UserId);
    }

    private IGuardShardGrain Shard(int shard) => GuardShards.Of(GrainFactory, SiteId, shard);
}
