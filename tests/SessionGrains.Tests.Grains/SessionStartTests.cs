using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Grains.Sessions;
using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// A session's grain starts on its first touch. Until then its site tracks it alone: the lease is the idle deadline,
/// the site ends it and records why, and a sign-out or a kick needs no grain.
/// </summary>
public abstract class SessionStartTests(StorageKind kind) : IAsyncLifetime
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(10);
    private readonly EndSignalGate _endSignals = new();
    private TestSilo _silo = null!;

    public async Task InitializeAsync() =>
        _silo = await TestSilo.StartWithCallFiltersAsync(kind, _endSignals);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task An_admitted_session_has_no_grain_until_its_first_touch()
    {
        var site = await NewSiteAsync();
        var admitted = await site.AdmitAsync(Sites.User("ann"));

        Assert.Equal(0, await SessionGrainsActiveAsync());

        _silo.Clock.Advance(TimeSpan.FromMinutes(3));
        var touched = Assert.IsType<SessionActive>(await Session(site, admitted).TouchAsync());

        Assert.Equal(_silo.Clock.GetUtcNow() + IdleTimeout, touched.IdleExpiresAt);
        Assert.Equal(1, await SessionGrainsActiveAsync());
    }

    [Fact]
    public async Task An_untouched_session_ends_at_its_idle_deadline_by_its_site_alone_with_its_end_on_record()
    {
        var site = await NewSiteAsync();
        var admitted = await site.AdmitAsync(Sites.User("ann"));

        _silo.Clock.Advance(IdleTimeout - TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await site.GetSummaryAsync()).Active);
        _silo.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, (await site.GetSummaryAsync()).Active);

        Assert.Equal(SessionEndReason.Idle, (await EndOnRecordAsync(site, admitted))?.Reason);
        Assert.Equal(0, await SessionGrainsActiveAsync());
        Assert.Equal(SessionEndReason.Idle, Assert.IsType<SessionEnded>(await Session(site, admitted).TouchAsync()).Reason);
    }

    [Fact]
    public async Task Signing_out_an_untouched_session_starts_no_grain_and_records_the_end()
    {
        var site = await NewSiteAsync();
        var admitted = await site.AdmitAsync(Sites.User("ann"));

        Assert.True(await site.SignOutAsync(admitted.SessionId));

        Assert.Equal(0, await SessionGrainsActiveAsync());
        Assert.Equal(SessionEndReason.Logout, (await EndOnRecordAsync(site, admitted))?.Reason);
        Assert.Equal(0, (await site.GetSummaryAsync()).Active);
        Assert.Equal(SessionEndReason.Logout, Assert.IsType<SessionEnded>(await Session(site, admitted).TouchAsync()).Reason);
    }

    [Fact]
    public async Task A_kicked_untouched_session_is_told_why_on_its_first_touch()
    {
        var site = await NewSiteAsync();
        var admitted = await site.AdmitAsync(Sites.User("ann"));

        Assert.True(await site.KickAsync(admitted.SessionId));

        Assert.Equal(0, await SessionGrainsActiveAsync());
        Assert.Equal(SessionEndReason.Kicked, Assert.IsType<SessionEnded>(await Session(site, admitted).TouchAsync()).Reason);
    }

    [Fact]
    public async Task A_sign_out_answers_only_once_the_running_grain_knows_so_the_next_touch_finds_the_session_ended()
    {
        var site = await NewSiteAsync();
        var admitted = await site.AdmitAsync(Sites.User("ann"));
        var session = Session(site, admitted);
        Assert.IsType<SessionActive>(await session.TouchAsync());

        _endSignals.Arm();
        var signOut = site.SignOutAsync(admitted.SessionId);
        await _endSignals.ArrivedAsync().WaitAsync(TimeSpan.FromSeconds(20));

        // The seat is free and the end stored, but the grain has not heard yet: the sign-out has not answered either.
        Assert.Equal(SessionEndReason.Logout, (await EndOnRecordAsync(site, admitted))?.Reason);
        Assert.False(signOut.IsCompleted);

        _endSignals.Release();
        Assert.True(await signOut);
        Assert.Equal(SessionEndReason.Logout, Assert.IsType<SessionEnded>(await session.TouchAsync()).Reason);
    }

    [Fact]
    public async Task A_grain_that_deactivates_hands_its_deadline_back_and_a_later_touch_starts_it_again()
    {
        var site = await NewSiteAsync();
        var admitted = await site.AdmitAsync(Sites.User("ann"));
        Assert.IsType<SessionActive>(await Session(site, admitted).TouchAsync());
        _silo.Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.IsType<SessionActive>(await Session(site, admitted).TouchAsync());
        var deadline = _silo.Clock.GetUtcNow() + IdleTimeout;

        await _silo.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await Eventually.WaitForAsync(SessionGrainsActiveAsync, count => count == 0);

        // The site holds the exact deadline now: a look from a fresh activation reports it, and it ends the session then.
        var peeked = Assert.IsType<SessionActive>(await Session(site, admitted).PeekAsync());
        Assert.Equal(deadline, peeked.IdleExpiresAt);
    }

    [Fact]
    public async Task A_first_touch_after_the_idle_deadline_finds_the_session_ended_even_before_the_sites_timer_ran()
    {
        var site = await NewSiteAsync();
        var admitted = await site.AdmitAsync(Sites.User("ann"));

        // The site's activation goes, and its timer with it: the touch's own call is what starts it again.
        await _silo.Cluster.DeactivateAsync(site);
        _silo.Clock.Advance(IdleTimeout + TimeSpan.FromSeconds(1));

        Assert.Equal(SessionEndReason.Idle, Assert.IsType<SessionEnded>(await Session(site, admitted).TouchAsync()).Reason);
        Assert.Equal(0, (await site.GetSummaryAsync()).Active);
    }

    [Fact]
    public async Task Touches_arriving_together_at_a_session_that_ended_untouched_all_find_it_ended()
    {
        var site = await NewSiteAsync();
        var admitted = await site.AdmitAsync(Sites.User("ann"));
        _silo.Clock.Advance(IdleTimeout);
        Assert.IsType<SessionEnded>(await Session(site, admitted).PeekAsync());

        var touches = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Session(site, admitted).TouchAsync()));

        Assert.All(touches, touched => Assert.Equal(SessionEndReason.Idle, Assert.IsType<SessionEnded>(touched).Reason));
    }

    private async Task<ISiteGrain> NewSiteAsync()
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new() { Limit = 5, IdleTimeout = IdleTimeout });
        return site;
    }

    private ISessionGrain Session(ISiteGrain site, SessionAdmitted admitted) =>
        _silo.Grains.GetSessionGrain(site.GetPrimaryKeyString(), admitted.SessionId);

    private Task<SessionEnd?> EndOnRecordAsync(ISiteGrain site, SessionAdmitted admitted) =>
        _silo.Cluster.GetSiloServiceProvider().GetRequiredService<ISessionEndLog>().FindAsync(site.GetPrimaryKeyString(), admitted.SessionId);

    private async Task<int> SessionGrainsActiveAsync()
    {
        var statistics = await _silo.Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Split(',')[0] == typeof(SessionGrain).FullName).Sum(s => s.ActivationCount);
    }
}

public sealed class SessionStartTestsOnSqlite() : SessionStartTests(StorageKind.Sqlite);

public sealed class SessionStartTestsOnPostgreSql() : SessionStartTests(StorageKind.PostgreSql);
