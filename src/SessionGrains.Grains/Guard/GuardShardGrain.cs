using System.Runtime.CompilerServices;
using SessionGrains.Grains.Sites;
using SessionGrains.Grains.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SessionGrains.Grains.Guard;

/// <summary>
/// The counters of one shard of a site's guard, in memory only: a check or a report is one call and writes nothing.
/// The site's guard settings are read from its site grain and kept for <see cref="SettingsLifetime"/>, so a change
/// reaches every shard within that time. A shard that holds blocks stays active until they end; one lost with its silo
/// starts empty elsewhere (failures counted there are forgotten, blocks lifted: see the deployment guide).
/// </summary>
public sealed partial class GuardShardGrain(
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider clock,
    SiteMetrics metrics,
    ILogger<GuardShardGrain> logger) : Grain, IGuardShardGrain
{
    public static readonly TimeSpan SettingsLifetime = TimeSpan.FromSeconds(10);

    private readonly GuardTable<GuardAddress> _addresses = new(GuardShards.CapacityPerShard);
    private readonly GuardTable<string> _users = new(GuardShards.CapacityPerShard);
    private GuardSettings? _settings;
    private DateTimeOffset _settingsReadAt;
    private Task? _refreshing;
    private int _unreportedRefusals;
    private Task? _reporting;

    /// <summary>A shard tells its site of refused attempts at most this often, however many it refuses.</summary>
    public static readonly TimeSpan RefusalReportSpacing = TimeSpan.FromSeconds(1);
    private string? _siteId;

    // Read when first needed, not at activation: a caller the gateway refuses may still activate a grain of any key.
    private string SiteId => _siteId ??= this.GetPrimaryKeyString() is var key && key.LastIndexOf('/') is > 0 and var slash ? key[..slash] : key;

    async Task<GuardVerdict> IGuardShardGrain.CheckAsync(GuardAddress? address, string? userId)
    {
        var guard = await SettingsAsync();
        return guard.Enabled ? Check(guard, address, userId, clock.GetUtcNow()) : SignInAllowed.Instance;
    }

    async Task IGuardShardGrain.ReportAsync(GuardAddress? address, string? userId, bool succeeded)
    {
        var guard = await SettingsAsync();
        if (!guard.Enabled)
        {
            return;
        }

        if (succeeded)
        {
            // What Lino's authors wanted: a success forgets, so the table holds only clients that keep failing.
            if (address is { } forgotten)
            {
                _addresses.Remove(forgotten);
            }

            if (userId is not null)
            {
                _users.Remove(userId);
            }

            return;
        }

        var now = clock.GetUtcNow();
        var addressBlocked = address is { } failing && Fail(_addresses, failing, guard.MaxFailures, guard, now);
        var userBlocked = userId is not null && guard.PerUserMaxFailures > 0 && Fail(_users, userId, guard.PerUserMaxFailures, guard, now);
        if (addressBlocked)
        {
            metrics.GuardBlocked(BlockScope.Address);
        }

        if (userBlocked)
        {
            metrics.GuardBlocked(BlockScope.User);
        }

        if (addressBlocked || userBlocked)
        {
            // Idle collection must not lift a block: stay until it ends (or is restarted, which comes here again).
            DelayDeactivation(guard.Block);
            LogBlocked(SiteId, address, userId, now + guard.Block);
        }
    }

    Task<IReadOnlyList<SignInBlock>> IGuardShardGrain.GetBlocksAsync()
    {
        var now = clock.GetUtcNow().UtcTicks;
        IReadOnlyList<SignInBlock> blocks =
        [
            .. _addresses.Entries.Where(e => e.Value.BlockedUntil > now).Select(e => Block(BlockScope.Address, e.Key.ToString(), e.Value)),
            .. _users.Entries.Where(e => e.Value.BlockedUntil > now).Select(e => Block(BlockScope.User, e.Key, e.Value)),
        ];
        return Task.FromResult(blocks);
    }

    Task<bool> IGuardShardGrain.LiftAsync(GuardAddress? address, string? userId)
    {
        var now = clock.GetUtcNow().UtcTicks;
        var lifted = false;
        if (address is { } unblocked)
        {
            lifted |= IsBlocked(ref _addresses.Find(unblocked), now) & _addresses.Remove(unblocked);
        }

        if (userId is not null)
        {
            lifted |= IsBlocked(ref _users.Find(userId), now) & _users.Remove(userId);
        }

        return Task.FromResult(lifted);
    }

    Task<GuardTracking> IGuardShardGrain.GetTrackingAsync() =>
        Task.FromResult(new GuardTracking { Addresses = _addresses.Count, Users = _users.Count });

    private GuardVerdict Check(GuardSettings guard, GuardAddress? address, string? userId, DateTimeOffset now)
    {
        if (address is { } client && Check(ref _addresses.Find(client), guard, now) is { } addressBlock)
        {
            CountRefusal();
            return Blocked(guard, BlockScope.Address, addressBlock, now);
        }

        if (userId is not null && guard.PerUserMaxFailures > 0 && Check(ref _users.Find(userId), guard, now) is { } userBlock)
        {
            CountRefusal();
            return Blocked(guard, BlockScope.User, userBlock, now);
        }

        return SignInAllowed.Instance;
    }

    private long? Check(ref GuardEntry entry, GuardSettings guard, DateTimeOffset now)
    {
        if (Unsafe.IsNullRef(ref entry))
        {
            return null;
        }

        var until = GuardRules.Check(ref entry, now.UtcTicks, guard.Block, guard.ExtendWhileBlocked);
        if (until is not null && guard.ExtendWhileBlocked)
        {
            DelayDeactivation(guard.Block);
        }

        return until;
    }

    /// <summary>Counts a refused attempt for the site's history; the count goes to the site now, or after the report in flight.</summary>
    private void CountRefusal()
    {
        _unreportedRefusals++;
        if (_reporting is null or { IsCompleted: true })
        {
            _reporting = ReportRefusalsAsync();
        }
    }

    private async Task ReportRefusalsAsync()
    {
        while (_unreportedRefusals > 0)
        {
            var count = _unreportedRefusals;
            _unreportedRefusals = 0;
            try
            {
                await GrainFactory.GetGrain<ISiteLeaseGrain>(SiteId).RecordGuardRefusalsAsync(count);
            }
            catch (Exception ex)
            {
                // Only the history misses them; the blocks hold regardless.
                LogRefusalReportFailed(ex, SiteId, count);
            }

            // Under a robot's attack a shard refuses thousands of attempts a second; its site hears of them once a second.
            await Task.Delay(RefusalReportSpacing, clock);
        }
    }

    private static bool Fail<TKey>(GuardTable<TKey> table, TKey key, int maxFailures, GuardSettings guard, DateTimeOffset now)
        where TKey : notnull =>
        GuardRules.Fail(ref table.FindOrAdd(key), now.UtcTicks, maxFailures, guard.Block, guard.Window, guard.ExtendWhileBlocked);

    private static bool IsBlocked(ref GuardEntry entry, long now) => !Unsafe.IsNullRef(ref entry) && entry.BlockedUntil > now;

    private static SignInBlocked Blocked(GuardSettings guard, BlockScope scope, long until, DateTimeOffset now)
    {
        var blockedUntil = new DateTimeOffset(until, TimeSpan.Zero);
        return new SignInBlocked { Scope = scope, BlockedUntil = blockedUntil, Message = guard.RenderMessage(scope, blockedUntil - now) };
    }

    private static SignInBlock Block(BlockScope scope, string value, GuardEntry entry) =>
        new() { Scope = scope, Value = value, BlockedUntil = new DateTimeOffset(entry.BlockedUntil, TimeSpan.Zero) };

    /// <summary>The site's guard settings: read once, then refreshed in the background when older than <see cref="SettingsLifetime"/>.</summary>
    private ValueTask<GuardSettings> SettingsAsync()
    {
        if (_settings is { } known)
        {
            if (clock.GetUtcNow() - _settingsReadAt >= SettingsLifetime && _refreshing is null or { IsCompleted: true })
            {
                _refreshing = RefreshAsync();
            }

            return ValueTask.FromResult(known);
        }

        return new ValueTask<GuardSettings>(ReadAsync());
    }

    private async Task<GuardSettings> ReadAsync()
    {
        var settings = await GrainFactory.GetSiteGrain(SiteId).GetSettingsAsync();
        _settings = settings.Guard;
        _settingsReadAt = clock.GetUtcNow();
        return _settings;
    }

    private async Task RefreshAsync()
    {
        try
        {
            await ReadAsync();
        }
        catch (Exception ex)
        {
            // The settings known go on; the next call tries again.
            _settingsReadAt = clock.GetUtcNow();
            LogRefreshFailed(ex, SiteId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Site {SiteId}: failed sign-ins from {Address} for user {UserId} blocked the address, the user or both until {Until}")]
    private partial void LogBlocked(string siteId, GuardAddress? address, string? userId, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId}: telling the site of {Count} refused sign-in attempts failed; its history misses them")]
    private partial void LogRefusalReportFailed(Exception exception, string siteId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {SiteId}: reading the guard's settings failed; the known ones stay in force")]
    private partial void LogRefreshFailed(Exception exception, string siteId);
}
