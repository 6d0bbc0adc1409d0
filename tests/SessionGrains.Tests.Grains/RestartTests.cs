using SessionGrains.Grains.Sites;
using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains;

/// <summary>Invariant 4: settings and live sessions survive a silo restart.</summary>
public abstract class RestartTests(StorageKind kind) : IAsyncLifetime
{
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(kind);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Settings_and_live_sessions_survive_a_restart_and_keep_counting()
    {
        var siteId = Sites.NewId();
        var site = _silo.Grains.GetSiteGrain(siteId);
        var settings = await site.UpdateSettingsAsync(new()
        {
            Limit = 2,
            IdleTimeout = TimeSpan.FromMinutes(30),
            OnFull = FullSitePolicy.Deny,
            PerUserLimit = 1,
            ExemptRoles = ["ops"],
            Message = "Full: {active}/{limit}",
        });
        var ann = await site.AdmitAsync(Sites.User("ann"));
        var bob = await site.AdmitAsync(Sites.User("bob"));
        _silo.Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.IsType<SessionActive>(await _silo.Grains.GetSessionGrain(siteId, ann.SessionId).TouchAsync());
        var touchedAt = _silo.Clock.GetUtcNow();

        await _silo.RestartAsync();
        site = _silo.Grains.GetSiteGrain(siteId);

        var restored = await site.GetSettingsAsync();
        Assert.Equal(settings.Limit, restored.Limit);
        Assert.Equal(settings.IdleTimeout, restored.IdleTimeout);
        Assert.Equal(settings.PerUserLimit, restored.PerUserLimit);
        Assert.Equal(settings.ExemptRoles, restored.ExemptRoles);
        Assert.Equal(settings.Message, restored.Message);
        var status = await site.GetStatusAsync();
        Assert.Equal(2, status.Summary.Active);
        Assert.Equal([ann.SessionId, bob.SessionId], status.Sessions.Select(s => s.SessionId).ToHashSet());
        Assert.Equal("Full: 2/2", (await site.RefuseAsync(Sites.User("cat"))).Message);

        // Ann's touch before the restart still counts: past the deadline of her sign-in, her session is live and touchable.
        _silo.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.True(_silo.Clock.GetUtcNow() > ann.IdleExpiresAt);
        Assert.True(_silo.Clock.GetUtcNow() < touchedAt + TimeSpan.FromMinutes(30));
        var touched = Assert.IsType<SessionActive>(await _silo.Grains.GetSessionGrain(siteId, ann.SessionId).TouchAsync());
        Assert.Equal(_silo.Clock.GetUtcNow() + TimeSpan.FromMinutes(30), touched.IdleExpiresAt);

        // Bob, idle since sign-in, ran out at thirty minutes: the stopping silo handed his exact deadline to the site.
        Assert.True(_silo.Clock.GetUtcNow() > bob.IdleExpiresAt);
        await Eventually.WaitForAsync(() => site.GetStatusAsync(), s => s.Summary.Active == 1);
        Assert.Equal(SessionEndReason.Idle, Assert.IsType<SessionEnded>(await _silo.Grains.GetSessionGrain(siteId, bob.SessionId).TouchAsync()).Reason);
    }

    [Fact]
    public async Task Ended_sessions_still_say_why_after_a_restart()
    {
        var siteId = Sites.NewId();
        var site = _silo.Grains.GetSiteGrain(siteId);
        var kicked = await site.AdmitAsync(Sites.User("ann"));
        var loggedOut = await site.AdmitAsync(Sites.User("bob"));
        await site.KickAsync(kicked.SessionId);
        await _silo.Grains.GetSiteGrain(siteId).SignOutAsync(loggedOut.SessionId);

        await _silo.RestartAsync();

        Assert.Equal(SessionEndReason.Kicked, Assert.IsType<SessionEnded>(await _silo.Grains.GetSessionGrain(siteId, kicked.SessionId).TouchAsync()).Reason);
        Assert.Equal(SessionEndReason.Logout, Assert.IsType<SessionEnded>(await _silo.Grains.GetSessionGrain(siteId, loggedOut.SessionId).TouchAsync()).Reason);
        Assert.Equal(0, (await _silo.Grains.GetSiteGrain(siteId).GetStatusAsync()).Summary.Active);
    }

    [Fact]
    public async Task Admissions_acknowledged_before_a_crash_are_all_there_after_it()
    {
        var siteId = Sites.NewId();
        var site = _silo.Grains.GetSiteGrain(siteId);
        await site.UpdateSettingsAsync(new() { Limit = 30 });
        var admitted = (await Task.WhenAll(Enumerable.Range(0, 40).Select(i => site.OpenSessionAsync(Sites.User($"user-{i}")))))
            .OfType<SessionAdmitted>().ToList();

        await _silo.CrashAndRestartAsync();

        var status = await _silo.Grains.GetSiteGrain(siteId).GetStatusAsync();
        Assert.Equal(30, admitted.Count);
        Assert.Equal(admitted.Select(a => a.SessionId).ToHashSet(), status.Sessions.Select(s => s.SessionId).ToHashSet());
        foreach (var session in admitted)
        {
            Assert.IsType<SessionActive>(await _silo.Grains.GetSessionGrain(siteId, session.SessionId).TouchAsync());
        }
    }
}

public sealed class RestartTestsOnSqlite() : RestartTests(StorageKind.Sqlite);

public sealed class RestartTestsOnPostgreSql() : RestartTests(StorageKind.PostgreSql);
