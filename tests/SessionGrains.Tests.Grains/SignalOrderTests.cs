using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Grains.Sessions;
using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// The site tells a session's grain that it started, and that the site ended it, by one-way messages, which keep no
/// order: a start signal that comes late must never bring an ended session back.
/// </summary>
public abstract class SignalOrderTests(StorageKind kind) : IAsyncLifetime
{
    private readonly StartSignalGate _gate = new();
    private TestSilo _silo = null!;

    public async Task InitializeAsync() =>
        _silo = await TestSilo.StartWithCallFiltersAsync(kind, _gate);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task A_start_signal_that_comes_after_the_user_signed_out_leaves_the_session_ended()
    {
        var (site, sessionId, session) = await OpenWithStartSignalHeldAsync();

        // The user works and signs out before the signal arrives: the grain learns of the session from the site.
        Assert.IsType<SessionActive>(await session.TouchAsync());
        Assert.True(await session.LogoutAsync());
        await ReleaseStartSignalAsync(site, sessionId);

        Assert.False(await session.LogoutAsync());
        Assert.Equal(SessionEndReason.Logout, Assert.IsType<SessionEnded>(await session.TouchAsync()).Reason);
        Assert.Equal(0, (await site.GetStatusAsync()).Summary.Active);
    }

    [Fact]
    public async Task A_start_signal_that_comes_after_a_kick_leaves_the_session_ended()
    {
        var (site, sessionId, session) = await OpenWithStartSignalHeldAsync();

        Assert.True(await site.KickAsync(sessionId));
        await Eventually.WaitForAsync(session.TouchAsync, touched => touched is SessionEnded);
        await ReleaseStartSignalAsync(site, sessionId);

        Assert.Equal(SessionEndReason.Kicked, Assert.IsType<SessionEnded>(await session.TouchAsync()).Reason);
    }

    [Fact]
    public async Task An_end_signal_that_overtakes_the_start_signal_leaves_the_session_ended()
    {
        // Both signals sent straight to the session's grain, end first. Awaiting a one-way call only sends it, so
        // the start signal goes once the end is on record, and the touch once the start signal was handled.
        var siteId = (await NewSiteAsync()).GetPrimaryKeyString();
        var sessionId = SessionId.New();
        var control = _silo.Grains.GetGrain<ISessionControlGrain>(sessionId.Value, siteId);
        var endLog = _silo.Cluster.GetSiloServiceProvider().GetRequiredService<ISessionEndLog>();
        var now = _silo.Clock.GetUtcNow();

        await control.EndAsync(SessionEndReason.Kicked);
        await Eventually.WaitForAsync(() => endLog.FindAsync(siteId, sessionId), end => end is not null);
        await control.StartAsync(new SessionLease { LastActivityAt = now, IdleTimeout = TimeSpan.FromMinutes(30), ExpiresAt = now + TimeSpan.FromMinutes(45) });
        await _gate.HandledAsync(sessionId).WaitAsync(TimeSpan.FromSeconds(20));

        var touched = Assert.IsType<SessionEnded>(await _silo.Grains.GetSessionGrain(siteId, sessionId).TouchAsync());
        Assert.Equal(SessionEndReason.Kicked, touched.Reason);
    }

    private async Task<ISiteGrain> NewSiteAsync()
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new() { Limit = 5 });
        return site;
    }

    private async Task<(ISiteGrain Site, SessionId SessionId, ISessionGrain Session)> OpenWithStartSignalHeldAsync()
    {
        var site = await NewSiteAsync();
        _gate.Hold(site.GetPrimaryKeyString());
        var admitted = await site.AdmitAsync(Sites.User("ann"));
        return (site, admitted.SessionId, _silo.Grains.GetSessionGrain(site.GetPrimaryKeyString(), admitted.SessionId));
    }

    private async Task ReleaseStartSignalAsync(ISiteGrain site, SessionId sessionId)
    {
        _gate.Release(site.GetPrimaryKeyString());
        await _gate.HandledAsync(sessionId).WaitAsync(TimeSpan.FromSeconds(20));
    }
}

public sealed class SignalOrderTestsOnSqlite() : SignalOrderTests(StorageKind.Sqlite);

public sealed class SignalOrderTestsOnPostgreSql() : SignalOrderTests(StorageKind.PostgreSql);
