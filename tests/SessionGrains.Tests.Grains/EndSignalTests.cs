using SessionGrains.Grains.Sites;
using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// A site tells a session's grain that it ended the session (the end signal), also while the cluster cannot deliver
/// that call for a moment (a silo died and is not yet declared dead): otherwise the grain answers from memory as if
/// the session were live. The fault is injected; the pauses between attempts run on the silo's fake clock.
/// </summary>
public abstract class EndSignalTests(StorageKind kind) : IAsyncLifetime
{
    private readonly UndeliverableEndSignals _undeliverable = new();
    private TestSilo _silo = null!;

    public async Task InitializeAsync() =>
        _silo = await TestSilo.StartWithCallFiltersAsync(kind, _undeliverable);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task A_sign_out_is_answered_once_its_end_signal_got_through()
    {
        var (site, session, grain) = await OpenInUseAsync();
        _undeliverable.RefuseNext(2);

        var signOut = site.SignOutAsync(session.SessionId);
        await AdvanceUntilAsync(() => signOut.IsCompleted);

        Assert.True(await signOut);
        Assert.Equal(3, _undeliverable.Attempts);
        Assert.Equal(SessionEndReason.Logout, Assert.IsType<SessionEnded>(await grain.PeekAsync()).Reason);
    }

    [Fact]
    public async Task A_kicks_end_signal_is_sent_again_until_it_gets_through()
    {
        var (site, session, grain) = await OpenInUseAsync();
        _undeliverable.RefuseNext(1);

        Assert.True(await site.KickAsync(session.SessionId));

        await Eventually.WaitForAsync(
            async () =>
            {
                _silo.Clock.Advance(TimeSpan.FromMilliseconds(250));
                return await grain.PeekAsync();
            },
            answer => answer is SessionEnded { Reason: SessionEndReason.Kicked });
        Assert.Equal(2, _undeliverable.Attempts);
    }

    [Fact]
    public async Task A_sign_out_stops_waiting_for_its_end_signal_at_the_bound_and_stays_stored()
    {
        var (site, session, _) = await OpenInUseAsync();
        _undeliverable.RefuseAll();
        var sentAt = _silo.Clock.GetUtcNow();

        var signOut = site.SignOutAsync(session.SessionId);
        await AdvanceUntilAsync(() => signOut.IsCompleted);

        Assert.True(await signOut);
        Assert.InRange(_silo.Clock.GetUtcNow() - sentAt, SiteGrain.EndSignalRetryBound - TimeSpan.FromSeconds(2), SiteGrain.EndSignalRetryBound + TimeSpan.FromSeconds(1));
        Assert.Equal(0, (await site.GetStatusAsync()).Summary.Active);
        Assert.Equal(1, await StorageProbe.EndedSessionCountAsync(_silo.Storage));
    }

    private async Task<(ISiteGrain Site, SessionAdmitted Session, ISessionGrain Grain)> OpenInUseAsync()
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new() { Limit = 5, IdleTimeout = TimeSpan.FromMinutes(10) });
        var session = await site.AdmitAsync(Sites.User("ann"));
        var grain = _silo.Grains.GetSessionGrain(site.GetPrimaryKeyString(), session.SessionId);
        Assert.IsType<SessionActive>(await grain.TouchAsync());
        return (site, session, grain);
    }

    /// <summary>Moves the silo's clock on in small steps until <paramref name="done"/>, so each pause the site waits ends.</summary>
    private async Task AdvanceUntilAsync(Func<bool> done) =>
        await Eventually.WaitForAsync(
            () =>
            {
                _silo.Clock.Advance(TimeSpan.FromMilliseconds(250));
                return Task.FromResult(done());
            },
            finished => finished);
}

public sealed class EndSignalTestsOnSqlite() : EndSignalTests(StorageKind.Sqlite);

public sealed class EndSignalTestsOnPostgreSql() : EndSignalTests(StorageKind.PostgreSql);
