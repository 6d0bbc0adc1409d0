using SessionGrains.Grains.Guard;
using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// The sign-in guard of a site through its grain: failures block an address or a user, an attempt while blocked is
/// refused whatever the password, a success forgets, operators list and lift blocks, and the site's guard settings are
/// stored with the site. Time is the silo's fake clock.
/// </summary>
public abstract class GuardTests(StorageKind kind) : IAsyncLifetime
{
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(kind);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Four_failures_from_an_address_block_it_for_a_minute_whatever_the_password_and_user()
    {
        var (siteId, guard) = await NewSiteAsync(new GuardSettingsUpdate());
        for (var i = 0; i < 4; i++)
        {
            Assert.IsType<SignInAllowed>(await guard.CheckAsync(Attempt("203.0.113.7", "ann")));
            await guard.ReportAsync(Attempt("203.0.113.7", "ann"), succeeded: false);
        }

        var blocked = Assert.IsType<SignInBlocked>(await guard.CheckAsync(Attempt("203.0.113.7", "bob")));
        Assert.Equal(BlockScope.Address, blocked.Scope);
        Assert.Equal(_silo.Clock.GetUtcNow() + TimeSpan.FromSeconds(60), blocked.BlockedUntil);
        Assert.Equal("Too many failed sign-ins from your address. Please try again in 60 seconds.", blocked.Message);
        Assert.IsType<SignInAllowed>(await guard.CheckAsync(Attempt("203.0.113.8", "ann")));

        // Every attempt while blocked restarts the minute, as Lino does.
        _silo.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.IsType<SignInBlocked>(await guard.CheckAsync(Attempt("203.0.113.7", "ann")));
        _silo.Clock.Advance(TimeSpan.FromSeconds(59));
        var still = Assert.IsType<SignInBlocked>(await guard.CheckAsync(Attempt("203.0.113.7", "ann")));
        Assert.Equal("Too many failed sign-ins from your address. Please try again in 60 seconds.", still.Message);
        _silo.Clock.Advance(TimeSpan.FromSeconds(60));
        Assert.IsType<SignInAllowed>(await guard.CheckAsync(Attempt("203.0.113.7", "ann")));
        Assert.Empty(await guard.GetBlocksAsync());
    }

    [Fact]
    public async Task A_success_forgets_the_failures_of_the_address_and_the_user()
    {
        var (_, guard) = await NewSiteAsync(new GuardSettingsUpdate { PerUserMaxFailures = 4 });
        for (var i = 0; i < 3; i++)
        {
            await guard.ReportAsync(Attempt("203.0.113.7", "ann"), succeeded: false);
        }

        await guard.ReportAsync(Attempt("203.0.113.7", "ann"), succeeded: true);
        for (var i = 0; i < 3; i++)
        {
            await guard.ReportAsync(Attempt("203.0.113.7", "ann"), succeeded: false);
        }

        Assert.IsType<SignInAllowed>(await guard.CheckAsync(Attempt("203.0.113.7", "ann")));
        Assert.Equal(new GuardTracking { Addresses = 1, Users = 1 }, await guard.GetTrackingAsync());
        await guard.ReportAsync(Attempt("203.0.113.7", "ann"), succeeded: true);
        Assert.Equal(new GuardTracking { Addresses = 0, Users = 0 }, await guard.GetTrackingAsync());
    }

    [Fact]
    public async Task Failures_for_one_user_from_many_addresses_block_the_user_on_every_address()
    {
        var (_, guard) = await NewSiteAsync(new GuardSettingsUpdate { PerUserMaxFailures = 5 });
        for (var i = 1; i <= 5; i++)
        {
            await guard.ReportAsync(Attempt($"198.51.100.{i}", "ann"), succeeded: false);
        }

        var blocked = Assert.IsType<SignInBlocked>(await guard.CheckAsync(Attempt("192.0.2.99", "ann")));
        Assert.Equal(BlockScope.User, blocked.Scope);
        Assert.StartsWith("Too many failed sign-ins for this account.", blocked.Message, StringComparison.Ordinal);
        Assert.IsType<SignInAllowed>(await guard.CheckAsync(Attempt("192.0.2.99", "bob")));
    }

    [Fact]
    public async Task An_IPv6_client_is_counted_by_its_64_whatever_host_part_it_uses()
    {
        var (_, guard) = await NewSiteAsync(new GuardSettingsUpdate());
        for (var i = 1; i <= 4; i++)
        {
            await guard.ReportAsync(Attempt($"2001:db8:7:1::{i:x}", $"user-{i}"), succeeded: false);
        }

        Assert.IsType<SignInBlocked>(await guard.CheckAsync(Attempt("2001:db8:7:1:ffff::1", "someone")));
        Assert.IsType<SignInAllowed>(await guard.CheckAsync(Attempt("2001:db8:7:2::1", "someone")));
        Assert.Equal("2001:db8:7:1::/64", Assert.Single(await guard.GetBlocksAsync()).Value);
    }

    [Fact]
    public async Task Operators_see_the_blocks_and_a_lifted_block_lets_the_next_attempt_through()
    {
        var (_, guard) = await NewSiteAsync(new GuardSettingsUpdate { MaxFailures = 2, PerUserMaxFailures = 2 });
        await guard.ReportAsync(Attempt("203.0.113.7", "ann"), succeeded: false);
        await guard.ReportAsync(Attempt("203.0.113.7", "ann"), succeeded: false);

        var blocks = await guard.GetBlocksAsync();
        Assert.Equal([(BlockScope.Address, "203.0.113.7"), (BlockScope.User, "ann")], blocks.Select(b => (b.Scope, b.Value)).Order());

        Assert.True(await guard.LiftAsync(BlockScope.Address, "203.0.113.7"));
        Assert.False(await guard.LiftAsync(BlockScope.Address, "203.0.113.7"));
        Assert.Equal(BlockScope.User, Assert.IsType<SignInBlocked>(await guard.CheckAsync(Attempt("203.0.113.7", "ann"))).Scope);
        Assert.True(await guard.LiftAsync(BlockScope.User, "ann"));
        Assert.IsType<SignInAllowed>(await guard.CheckAsync(Attempt("203.0.113.7", "ann")));
    }

    [Fact]
    public async Task A_guard_switched_off_allows_everything_and_counts_nothing()
    {
        var (_, guard) = await NewSiteAsync(new GuardSettingsUpdate { Enabled = false });
        for (var i = 0; i < 10; i++)
        {
            await guard.ReportAsync(Attempt("203.0.113.7", "ann"), succeeded: false);
        }

        Assert.IsType<SignInAllowed>(await guard.CheckAsync(Attempt("203.0.113.7", "ann")));
        Assert.Equal(new GuardTracking { Addresses = 0, Users = 0 }, await guard.GetTrackingAsync());
    }

    [Fact]
    public async Task A_settings_change_reaches_the_guard_within_its_settings_lifetime_and_is_stored_with_the_site()
    {
        var (siteId, guard) = await NewSiteAsync(new GuardSettingsUpdate());
        await guard.ReportAsync(Attempt("203.0.113.7", "ann"), succeeded: false);
        await guard.ReportAsync(Attempt("203.0.113.7", "ann"), succeeded: false);
        Assert.IsType<SignInAllowed>(await guard.CheckAsync(Attempt("203.0.113.7", "ann")));
        var site = _silo.Grains.GetSiteGrain(siteId);
        await site.UpdateSettingsAsync(new SiteSettingsUpdate { Guard = new GuardSettingsUpdate { MaxFailures = 2, Block = TimeSpan.FromMinutes(5), AddressMessage = "Wait {seconds}s." } });

        // Two failures from an address block it under the new settings only; each round takes a fresh address.
        _silo.Clock.Advance(GuardShardGrain.SettingsLifetime);
        var round = 0;
        var blocked = await Eventually.WaitForAsync(
            async () =>
            {
                var address = $"198.51.100.{++round}";
                await guard.ReportAsync(Attempt(address, "ann"), succeeded: false);
                await guard.ReportAsync(Attempt(address, "ann"), succeeded: false);
                return await guard.CheckAsync(Attempt(address, "ann"));
            },
            verdict => verdict is SignInBlocked);
        Assert.Equal("Wait 300s.", ((SignInBlocked)blocked).Message);

        await _silo.RestartAsync();
        var stored = (await _silo.Grains.GetSiteGrain(siteId).GetSettingsAsync()).Guard;
        Assert.Equal(2, stored.MaxFailures);
        Assert.Equal(TimeSpan.FromMinutes(5), stored.Block);
        Assert.Equal("Wait {seconds}s.", stored.AddressMessage);
    }

    [Fact]
    public async Task Attempts_the_guard_refuses_show_in_the_sites_history_as_their_own_series()
    {
        var (siteId, guard) = await NewSiteAsync(new GuardSettingsUpdate { MaxFailures = 1 });
        await guard.ReportAsync(Attempt("203.0.113.7", "ann"), succeeded: false);

        for (var i = 0; i < 3; i++)
        {
            Assert.IsType<SignInBlocked>(await guard.CheckAsync(Attempt("203.0.113.7", "ann")));
        }

        // The first refusal is told at once, the rest after the shard's spacing. The spacing starts only once the
        // first report came back, which may be after any one advance, so each look advances the clock again.
        var history = await Eventually.WaitForAsync(
            () =>
            {
                _silo.Clock.Advance(GuardShardGrain.RefusalReportSpacing);
                return _silo.Grains.GetSiteGrain(siteId).GetHistoryAsync();
            },
            h => h.GuardRefusals.Sum() == 3);
        Assert.Equal(0, history.Refusals.Sum());
    }

    [Fact]
    public async Task Bad_input_is_refused_with_every_field_named_and_changes_nothing()
    {
        var (_, guard) = await NewSiteAsync(new GuardSettingsUpdate());

        var refusal = await Assert.ThrowsAsync<InvalidRequestException>(() => guard.ReportAsync(Attempt("192.0.2.1/64", "ann\u202E"), succeeded: false));

        Assert.Equal(["clientIp", "userId"], refusal.Errors.Select(e => e.Field).Order());
        Assert.Equal(new GuardTracking { Addresses = 0, Users = 0 }, await guard.GetTrackingAsync());
        await Assert.ThrowsAsync<InvalidRequestException>(() => guard.LiftAsync(BlockScope.Address, "somewhere"));
        await Assert.ThrowsAsync<InvalidRequestException>(() => _silo.Grains.GetSignInGuard("bad~site").CheckAsync(Attempt("192.0.2.1", "ann")));
    }

    private async Task<(string SiteId, ISignInGuardGrain Guard)> NewSiteAsync(GuardSettingsUpdate guard)
    {
        var siteId = Sites.NewId();
        await _silo.Grains.GetSiteGrain(siteId).UpdateSettingsAsync(new SiteSettingsUpdate { Limit = 5, Guard = guard });
        return (siteId, _silo.Grains.GetSignInGuard(siteId));
    }

    private static SignInAttempt Attempt(string clientIp, string userId) => new() { ClientIp = clientIp, UserId = userId };
}

public sealed class GuardTestsOnSqlite() : GuardTests(StorageKind.Sqlite);

public sealed class GuardTestsOnPostgreSql() : GuardTests(StorageKind.PostgreSql);
