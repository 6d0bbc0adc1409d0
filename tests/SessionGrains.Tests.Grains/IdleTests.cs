using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Sites;
using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// Invariants 2 and 3: idle sessions stop counting on time, touches stay cheap, and a session whose grain
/// vanished still stops counting at its idle deadline. Time is the silo's fake clock.
/// </summary>
public abstract class IdleTests(StorageKind kind) : IAsyncLifetime
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(10);
    private readonly GrainCallCounter _calls = new();
    private TestSilo _silo = null!;

    public async Task InitializeAsync() =>
        _silo = await TestSilo.StartWithCallFiltersAsync(kind, _calls);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task An_idle_session_stops_counting_within_a_second_of_its_deadline()
    {
        var (site, session) = await OpenAsync();
        var deadline = session.IdleExpiresAt;

        _silo.Clock.Advance(IdleTimeout - TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await site.GetStatusAsync()).Summary.Active);

        // The fake clock stands still while we wait: the seat was freed at the deadline itself.
        _silo.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(deadline, _silo.Clock.GetUtcNow());
        await Eventually.WaitForAsync(() => site.GetStatusAsync(), s => s.Summary.Active == 0);

        var touched = await SessionOf(site, session).TouchAsync();
        Assert.Equal(SessionEndReason.Idle, Assert.IsType<SessionEnded>(touched).Reason);
    }

    [Fact]
    public async Task Reading_a_session_is_not_activity()
    {
        var (site, session) = await OpenAsync();
        var grain = SessionOf(site, session);

        // A touch first, which starts the session's grain and moves its deadline.
        var deadline = Assert.IsType<SessionActive>(await grain.TouchAsync()).IdleExpiresAt;
        Assert.Equal(_silo.Clock.GetUtcNow() + IdleTimeout, deadline);

        _silo.Clock.Advance(IdleTimeout / 2);
        Assert.Equal(deadline, Assert.IsType<SessionActive>(await grain.PeekAsync()).IdleExpiresAt);

        _silo.Clock.Advance(IdleTimeout / 2);
        await Eventually.WaitForAsync(() => site.GetStatusAsync(), s => s.Summary.Active == 0);
        Assert.Equal(SessionEndReason.Idle, Assert.IsType<SessionEnded>(await grain.PeekAsync()).Reason);
    }

    [Fact]
    public async Task Activity_moves_the_deadline_and_the_seat_is_kept_while_the_user_works()
    {
        var (site, session) = await OpenAsync();
        var grain = SessionOf(site, session);

        // Work for five idle timeouts, a touch every minute.
        for (var minute = 1; minute <= 50; minute++)
        {
            _silo.Clock.Advance(TimeSpan.FromMinutes(1));
            var touched = Assert.IsType<SessionActive>(await grain.TouchAsync());
            Assert.Equal(_silo.Clock.GetUtcNow() + IdleTimeout, touched.IdleExpiresAt);
            Assert.Equal(1, (await site.GetStatusAsync()).Summary.Active);
        }

        // Then stop: the seat is freed one idle timeout after the last touch, not before. Time runs on in
        // ten-second steps, as it does for real, so the grain's timer can renew the lease before it runs out.
        for (var waited = TimeSpan.Zero; waited < IdleTimeout - TimeSpan.FromSeconds(10); waited += TimeSpan.FromSeconds(10))
        {
            _silo.Clock.Advance(TimeSpan.FromSeconds(10));
            Assert.Equal(1, (await site.GetStatusAsync()).Summary.Active);
        }

        _silo.Clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(1, (await site.GetStatusAsync()).Summary.Active);
        _silo.Clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.WaitForAsync(() => site.GetStatusAsync(), s => s.Summary.Active == 0);
    }

    [Fact]
    public async Task Touches_renew_the_lease_at_most_about_twice_per_idle_timeout_and_never_write_per_touch()
    {
        var (site, session) = await OpenAsync();
        var grain = SessionOf(site, session);
        var writesBefore = await StorageProbe.SiteVersionAsync(_silo.Storage, site.GetPrimaryKeyString());

        // 600 touches over five idle timeouts: one every five seconds.
        for (var i = 0; i < 600; i++)
        {
            _silo.Clock.Advance(TimeSpan.FromSeconds(5));
            Assert.IsType<SessionActive>(await grain.TouchAsync());
        }

        // The first touch starts the grain, and renews the lease in the same call.
        var renewals = _calls.Count(nameof(ISiteLeaseGrain.FirstTouchAsync)) + _calls.Count(nameof(ISiteLeaseGrain.RenewLeaseAsync));
        var writes = await StorageProbe.SiteVersionAsync(_silo.Storage, site.GetPrimaryKeyString()) - writesBefore;
        Assert.InRange(renewals, 4, (2 * 5) + 1);
        Assert.InRange(writes, 1, renewals);
        Assert.Equal(1, (await site.GetStatusAsync()).Summary.Active);
    }

    [Fact]
    public async Task A_deactivated_session_grain_still_stops_counting_at_its_exact_deadline()
    {
        var (site, session) = await OpenAsync();
        var grain = SessionOf(site, session);
        _silo.Clock.Advance(TimeSpan.FromMinutes(3));
        await grain.TouchAsync();
        var lastTouch = _silo.Clock.GetUtcNow();

        await _silo.Cluster.DeactivateAsync(grain);

        _silo.Clock.Advance(lastTouch + IdleTimeout - TimeSpan.FromSeconds(1) - _silo.Clock.GetUtcNow());
        Assert.Equal(1, (await site.GetStatusAsync()).Summary.Active);
        _silo.Clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.WaitForAsync(() => site.GetStatusAsync(), s => s.Summary.Active == 0);
        Assert.Equal(SessionEndReason.Idle, Assert.IsType<SessionEnded>(await grain.TouchAsync()).Reason);
    }

    [Fact]
    public async Task A_session_whose_silo_died_stops_counting_when_its_lease_runs_out()
    {
        var (site, session) = await OpenAsync();
        var touched = Assert.IsType<SessionActive>(await SessionOf(site, session).TouchAsync());
        var leaseEnd = touched.IdleExpiresAt + LeaseTerms.Headroom(IdleTimeout);

        await _silo.CrashAndRestartAsync();
        site = _silo.Grains.GetSiteGrain(site.GetPrimaryKeyString());

        // Nobody can know whether the user touched the lost grain after its last renewal, so the seat is kept
        // to the end of the lease, and not a moment longer.
        _silo.Clock.Advance(leaseEnd - TimeSpan.FromSeconds(1) - _silo.Clock.GetUtcNow());
        Assert.Equal(1, (await site.GetStatusAsync()).Summary.Active);
        _silo.Clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.WaitForAsync(() => site.GetStatusAsync(), s => s.Summary.Active == 0);
        Assert.Equal(SessionEndReason.Idle, Assert.IsType<SessionEnded>(await SessionOf(site, session).TouchAsync()).Reason);
    }

    [Fact]
    public async Task A_session_never_touched_before_its_silo_died_ends_exactly_at_its_idle_deadline()
    {
        // No grain ever tracked it, so no touch can have gone unreported: the site's lease is the deadline itself.
        var (site, session) = await OpenAsync();

        await _silo.CrashAndRestartAsync();
        site = _silo.Grains.GetSiteGrain(site.GetPrimaryKeyString());

        _silo.Clock.Advance(session.IdleExpiresAt - TimeSpan.FromSeconds(1) - _silo.Clock.GetUtcNow());
        Assert.Equal(1, (await site.GetStatusAsync()).Summary.Active);
        _silo.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, (await site.GetStatusAsync()).Summary.Active);
        Assert.Equal(SessionEndReason.Idle, Assert.IsType<SessionEnded>(await SessionOf(site, session).TouchAsync()).Reason);
    }

    [Fact]
    public async Task A_touch_after_a_crash_makes_the_deadline_exact_again()
    {
        var (site, session) = await OpenAsync();
        await _silo.CrashAndRestartAsync();
        site = _silo.Grains.GetSiteGrain(site.GetPrimaryKeyString());

        // The new grain starts from the lease's end; a touch now is the user's latest activity, so it decides.
        var touched = Assert.IsType<SessionActive>(await SessionOf(site, session).TouchAsync());
        Assert.Equal(_silo.Clock.GetUtcNow() + IdleTimeout, touched.IdleExpiresAt);

        _silo.Clock.Advance(IdleTimeout - TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await site.GetStatusAsync()).Summary.Active);
        _silo.Clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.WaitForAsync(() => site.GetStatusAsync(), s => s.Summary.Active == 0);
    }

    [Fact]
    public async Task After_a_crash_the_site_ends_runaway_leases_by_itself_without_being_asked()
    {
        var (site, session) = await OpenAsync();
        await _silo.CrashAndRestartAsync();
        site = _silo.Grains.GetSiteGrain(site.GetPrimaryKeyString());
        await site.GetSettingsAsync();

        _silo.Clock.Advance(session.IdleExpiresAt + LeaseTerms.Headroom(IdleTimeout) - _silo.Clock.GetUtcNow());

        // Nobody calls the site: its own timer ends the lease and tells the session, which records how it ended.
        await Eventually.WaitForAsync(() => StorageProbe.EndedSessionCountAsync(_silo.Storage), rows => rows == 1);
        Assert.Equal(0, (await site.GetStatusAsync()).Summary.Active);
    }

    [Fact]
    public async Task A_session_whose_silo_died_is_still_touchable_and_keeps_its_seat()
    {
        var (site, session) = await OpenAsync();
        _silo.Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.IsType<SessionActive>(await SessionOf(site, session).TouchAsync());

        await _silo.CrashAndRestartAsync();
        site = _silo.Grains.GetSiteGrain(site.GetPrimaryKeyString());
        _silo.Clock.Advance(TimeSpan.FromMinutes(8));

        var touched = Assert.IsType<SessionActive>(await SessionOf(site, session).TouchAsync());
        Assert.Equal(_silo.Clock.GetUtcNow() + IdleTimeout, touched.IdleExpiresAt);
        Assert.Equal(1, (await site.GetStatusAsync()).Summary.Active);
    }

    [Fact]
    public async Task A_shorter_idle_timeout_reaches_live_sessions_at_their_next_renewal()
    {
        var (site, session) = await OpenAsync();
        var grain = SessionOf(site, session);
        await site.UpdateSettingsAsync(new() { IdleTimeout = TimeSpan.FromMinutes(2) });

        // The session renews near the end of its ten-minute lease, learns the new timeout, and is idle two minutes later.
        _silo.Clock.Advance(TimeSpan.FromMinutes(9));
        Assert.IsType<SessionActive>(await grain.TouchAsync());
        _silo.Clock.Advance(TimeSpan.FromSeconds(30));
        var touched = Assert.IsType<SessionActive>(await grain.TouchAsync());
        Assert.Equal(_silo.Clock.GetUtcNow() + TimeSpan.FromMinutes(2), touched.IdleExpiresAt);

        _silo.Clock.Advance(TimeSpan.FromMinutes(2));
        await Eventually.WaitForAsync(() => site.GetStatusAsync(), s => s.Summary.Active == 0);
    }

    [Fact]
    public async Task The_silo_holds_one_idle_alarm_per_live_session_however_often_it_was_touched_and_none_once_it_ended()
    {
        var alarms = _silo.Cluster.GetSiloServiceProvider().GetRequiredService<IdleAlarms>();
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new() { Limit = 5, IdleTimeout = IdleTimeout });
        List<SessionAdmitted> admitted = [];
        foreach (var user in new[] { "ann", "bob", "cat" })
        {
            admitted.Add(await site.AdmitAsync(Sites.User(user)));
        }

        var sessions = admitted.Select(session => SessionOf(site, session)).ToList();

        // Three idle timeouts of work, a touch a minute each: every alarm rings and is set again many times.
        for (var minute = 1; minute <= 30; minute++)
        {
            _silo.Clock.Advance(TimeSpan.FromMinutes(1));
            foreach (var session in sessions)
            {
                Assert.IsType<SessionActive>(await session.TouchAsync());
            }
        }

        Assert.Equal(3, alarms.Count);
        Assert.True(await site.SignOutAsync(admitted[0].SessionId));
        Assert.Equal(2, alarms.Count);

        _silo.Clock.Advance(IdleTimeout);
        await Eventually.WaitForAsync(() => site.GetStatusAsync(), s => s.Summary.Active == 0);
        Assert.Equal(0, alarms.Count);
        Assert.Equal(SessionEndReason.Idle, Assert.IsType<SessionEnded>(await sessions[1].TouchAsync()).Reason);
    }

    [Fact]
    public async Task An_idle_end_from_an_activation_that_missed_later_activity_is_refused_and_the_user_keeps_the_seat()
    {
        var (site, session) = await OpenAsync();
        var grain = SessionOf(site, session);
        Assert.IsType<SessionActive>(await grain.TouchAsync());

        // For a moment after a silo's death a session may have two activations; the user's touches reach the other
        // one, which renews the lease with activity this one never saw.
        _silo.Clock.Advance(IdleTimeout - TimeSpan.FromMinutes(1));
        var lease = await _silo.Grains.GetGrain<ISiteLeaseGrain>(site.GetPrimaryKeyString())
            .RenewLeaseAsync(session.SessionId, _silo.Clock.GetUtcNow(), exact: false, ActivationId.NewId());
        Assert.NotNull(lease.Lease);

        // This activation's alarm rings at its own deadline: the site refuses the idle end, and nothing is recorded.
        var endsBefore = _calls.Count(nameof(ISiteLeaseGrain.SessionEndedAsync));
        _silo.Clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.WaitForAsync(() => Task.FromResult(_calls.Count(nameof(ISiteLeaseGrain.SessionEndedAsync))), ends => ends > endsBefore);
        Assert.Equal(1, (await site.GetStatusAsync()).Summary.Active);
        Assert.Equal(0, await StorageProbe.EndedSessionCountAsync(_silo.Storage));

        // The user's next touch carries on from the lease, and makes the deadline exact.
        var touched = Assert.IsType<SessionActive>(await grain.TouchAsync());
        Assert.Equal(_silo.Clock.GetUtcNow() + IdleTimeout, touched.IdleExpiresAt);
    }

    [Fact]
    public async Task A_site_activation_behind_its_storage_does_not_end_a_session_it_does_not_know()
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new() { Limit = 5, IdleTimeout = IdleTimeout });

        // Another activation of the site (possible for a moment after a silo's death) admitted a session this one
        // never loaded: what it says about that session would end it, so it must find out first.
        await StorageProbe.WriteAsAnotherActivationAsync(_silo.Storage, site.GetPrimaryKeyString());
        // (A look, since a first touch that fails for storage asks the site once more, and would meet the next activation.)
        var unknown = _silo.Grains.GetSessionGrain(site.GetPrimaryKeyString(), SessionId.New());
        await Assert.ThrowsAsync<StorageUnavailableException>(() => unknown.PeekAsync());

        // The stale activation is gone; the next one loaded what is stored, and may say so.
        Assert.IsType<SessionNotFound>(await unknown.TouchAsync());
    }

    [Fact]
    public async Task A_session_touched_while_its_silo_stops_is_told_of_its_sign_out()
    {
        var (site, session, grain) = await OpenInUseAndHandOverAsync();
        _silo.Clock.Advance(TimeSpan.FromMinutes(1));
        var touched = Assert.IsType<SessionActive>(await grain.TouchAsync());
        Assert.Equal(_silo.Clock.GetUtcNow() + IdleTimeout, touched.IdleExpiresAt);

        // That touch went to the site, so the site knows the activation is here: a sign-out reaches it.
        Assert.True(await site.SignOutAsync(session.SessionId));
        Assert.Equal(SessionEndReason.Logout, Assert.IsType<SessionEnded>(await grain.PeekAsync()).Reason);
    }

    [Fact]
    public async Task A_session_looked_at_while_its_silo_stops_answers_what_its_site_decided()
    {
        var (site, session, grain) = await OpenInUseAndHandOverAsync();
        Assert.True(await site.SignOutAsync(session.SessionId));

        Assert.Equal(SessionEndReason.Logout, Assert.IsType<SessionEnded>(await grain.PeekAsync()).Reason);
        Assert.Equal(SessionEndReason.Logout, Assert.IsType<SessionEnded>(await grain.TouchAsync()).Reason);
    }

    [Fact]
    public async Task A_stale_activation_going_away_leaves_the_other_one_told_of_the_sign_out()
    {
        var (site, session, stale) = await OpenWithStaleActivationAsync();
        var grain = SessionOf(site, session);

        await StaleGoesAwayAsync(site, session, stale);
        Assert.True(await site.SignOutAsync(session.SessionId));

        Assert.Equal(SessionEndReason.Logout, Assert.IsType<SessionEnded>(await grain.PeekAsync()).Reason);
    }

    [Fact]
    public async Task A_stale_activation_going_away_does_not_cut_the_lease_of_the_one_in_use()
    {
        var (site, session, stale) = await OpenWithStaleActivationAsync();
        var grain = SessionOf(site, session);
        var renewedAt = _silo.Clock.GetUtcNow();

        await StaleGoesAwayAsync(site, session, stale);

        // A touch inside the lease's headroom is answered from memory; the site must keep the headroom for it.
        _silo.Clock.Advance(IdleTimeout * 0.4);
        Assert.IsType<SessionActive>(await grain.TouchAsync());
        _silo.Clock.Advance(renewedAt + IdleTimeout + TimeSpan.FromMinutes(1) - _silo.Clock.GetUtcNow());
        Assert.Equal(1, (await site.GetStatusAsync()).Summary.Active);
        var touched = Assert.IsType<SessionActive>(await grain.TouchAsync());
        Assert.Equal(_silo.Clock.GetUtcNow() + IdleTimeout, touched.IdleExpiresAt);
    }

    [Fact]
    public async Task An_idle_end_from_a_stale_activation_is_told_to_the_one_in_use()
    {
        var (site, session, stale) = await OpenWithStaleActivationAsync();
        var grain = SessionOf(site, session);
        _silo.Clock.Advance(IdleTimeout * 0.3);
        Assert.IsType<SessionActive>(await grain.TouchAsync());

        // The stale activation's alarm rings at a deadline as late as any activity the site heard of (the touch just
        // now was answered from memory): the session ends.
        _silo.Clock.Advance(IdleTimeout * 0.7);
        Assert.True(await _silo.Grains.GetGrain<ISiteLeaseGrain>(site.GetPrimaryKeyString())
            .SessionEndedAsync(session.SessionId, SessionEndReason.Idle, _silo.Clock.GetUtcNow() - IdleTimeout, stale));

        // The activation the site heard from last learns it, rather than answer from memory.
        await Eventually.WaitForAsync(() => grain.PeekAsync(), answer => answer is SessionEnded { Reason: SessionEndReason.Idle });
    }

    /// <summary>
    /// A session in use whose silo begins to stop: it hands its sessions' exact deadlines to their sites, and its grains
    /// still answer.
    /// </summary>
    private async Task<(ISiteGrain Site, SessionAdmitted Session, ISessionGrain Grain)> OpenInUseAndHandOverAsync()
    {
        var (site, session) = await OpenAsync();
        var grain = SessionOf(site, session);
        Assert.IsType<SessionActive>(await grain.TouchAsync());
        await _silo.Cluster.GetSiloServiceProvider().GetRequiredService<HandOverOnShutdown>().HandOverAsync(CancellationToken.None);
        return (site, session, grain);
    }

    /// <summary>
    /// A session with two activations, as for a moment after a silo stops or dies: a stale one (the test speaks for it),
    /// which asked for the lease first, and the one in use, whose touch the site heard of last.
    /// </summary>
    private async Task<(ISiteGrain Site, SessionAdmitted Session, ActivationId Stale)> OpenWithStaleActivationAsync()
    {
        var (site, session) = await OpenAsync();
        var stale = ActivationId.NewId();
        var lease = await _silo.Grains.GetGrain<ISiteLeaseGrain>(site.GetPrimaryKeyString())
            .FirstTouchAsync(session.SessionId, _silo.Clock.GetUtcNow(), stale);
        Assert.NotNull(lease.Lease);

        _silo.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.IsType<SessionActive>(await SessionOf(site, session).TouchAsync());
        return (site, session, stale);
    }

    /// <summary>The stale activation deactivates, handing back the older activity it saw as its exact deadline.</summary>
    private async Task StaleGoesAwayAsync(ISiteGrain site, SessionAdmitted session, ActivationId stale)
    {
        var lease = await _silo.Grains.GetGrain<ISiteLeaseGrain>(site.GetPrimaryKeyString())
            .RenewLeaseAsync(session.SessionId, _silo.Clock.GetUtcNow() - TimeSpan.FromMinutes(1), exact: true, stale);
        Assert.NotNull(lease.Lease);
    }

    private async Task<(ISiteGrain Site, SessionAdmitted Session)> OpenAsync()
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new() { Limit = 5, IdleTimeout = IdleTimeout });
        return (site, await site.AdmitAsync(Sites.User("ann")));
    }

    private ISessionGrain SessionOf(ISiteGrain site, SessionAdmitted session) =>
        _silo.Grains.GetSessionGrain(site.GetPrimaryKeyString(), session.SessionId);
}

public sealed class IdleTestsOnSqlite() : IdleTests(StorageKind.Sqlite);

public sealed class IdleTestsOnPostgreSql() : IdleTests(StorageKind.PostgreSql);
