using System.Threading.Channels;
using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// A site pushes every stored end to the web servers watching it (<see cref="IEndWatcher"/>), whoever ended the
/// session, and keeps a bounded set of watchers that forgets those that stop renewing or leave.
/// </summary>
public sealed class EndWatchTests : IAsyncLifetime
{
    // Shorter than a watcher's lifetime, so a watcher subscribed at the start still hears the idle end.
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(1);
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(StorageKind.Sqlite);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Every_end_reaches_every_watcher_with_its_reason_whoever_ended_it()
    {
        var site = await NewSiteAsync(new() { Limit = 3, IdleTimeout = IdleTimeout, OnFull = FullSitePolicy.EvictIdlest });
        var first = new Watcher();
        var second = new Watcher();
        await site.WatchEndsAsync(Reference(first));
        await site.WatchEndsAsync(Reference(second));
        var evicted = await site.AdmitAsync(Sites.User("ann"));
        _silo.Clock.Advance(TimeSpan.FromSeconds(1));
        var kicked = await site.AdmitAsync(Sites.User("bob"));
        _silo.Clock.Advance(TimeSpan.FromSeconds(1));
        var loggedOut = await site.AdmitAsync(Sites.User("cat"));
        _silo.Clock.Advance(TimeSpan.FromSeconds(1));

        // The site ends the first two (eviction, kick); the sessions end the last two themselves (logout, idle timer).
        var idle = await site.AdmitAsync(Sites.User("dan"));
        Assert.True(await site.KickAsync(kicked.SessionId));
        Assert.True(await _silo.Grains.GetSiteGrain(site.GetPrimaryKeyString()).SignOutAsync(loggedOut.SessionId));
        _silo.Clock.Advance(IdleTimeout);

        HashSet<SessionEndSignal> expected =
        [
            new(evicted.SessionId, SessionEndReason.Evicted),
            new(kicked.SessionId, SessionEndReason.Kicked),
            new(loggedOut.SessionId, SessionEndReason.Logout),
            new(idle.SessionId, SessionEndReason.Idle),
        ];
        Assert.Equal(expected, (await first.TakeAsync(expected.Count)).ToHashSet());
        Assert.Equal(expected, (await second.TakeAsync(expected.Count)).ToHashSet());
    }

    [Fact]
    public async Task A_site_takes_a_bounded_number_of_watchers_and_makes_room_as_they_leave_or_stop_renewing()
    {
        var site = await NewSiteAsync(new() { Limit = 3 });
        var watchers = Enumerable.Range(0, EndWatch.MaxWatchers).Select(_ => Reference(new Watcher())).ToList();
        foreach (var watcher in watchers)
        {
            await site.WatchEndsAsync(watcher);
        }

        var newcomer = Reference(new Watcher());
        var refused = await Assert.ThrowsAsync<InvalidRequestException>(() => site.WatchEndsAsync(newcomer));
        Assert.Equal("watcher", Assert.Single(refused.Errors).Field);

        // A renewal is no newcomer; a watcher that left makes room at once.
        await site.WatchEndsAsync(watchers[0]);
        await site.UnwatchEndsAsync(watchers[0]);
        await site.WatchEndsAsync(newcomer);
        await Assert.ThrowsAsync<InvalidRequestException>(() => site.WatchEndsAsync(watchers[0]));

        // Watchers that stopped renewing are forgotten after their lifetime; one that renewed is kept.
        _silo.Clock.Advance(EndWatch.Lifetime - TimeSpan.FromSeconds(1));
        await site.WatchEndsAsync(newcomer);
        _silo.Clock.Advance(TimeSpan.FromSeconds(2));
        await site.WatchEndsAsync(watchers[0]);
        foreach (var watcher in watchers.Skip(2))
        {
            await site.WatchEndsAsync(watcher);
        }

        await Assert.ThrowsAsync<InvalidRequestException>(() => site.WatchEndsAsync(watchers[1]));
    }

    private async Task<ISiteGrain> NewSiteAsync(SiteSettingsUpdate settings)
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(settings);
        return site;
    }

    private IEndWatcher Reference(Watcher watcher) => _silo.Grains.CreateObjectReference<IEndWatcher>(watcher);

    /// <summary>A web server's watcher, reduced to the signals it received.</summary>
    private sealed class Watcher : IEndWatcher
    {
        private readonly Channel<SessionEndSignal> _received = Channel.CreateUnbounded<SessionEndSignal>();

        public Task SessionsEnded(IReadOnlyList<SessionEndSignal> ends)
        {
            foreach (var end in ends)
            {
                _received.Writer.TryWrite(end);
            }

            return Task.CompletedTask;
        }

        public async Task<IReadOnlyList<SessionEndSignal>> TakeAsync(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var taken = new List<SessionEndSignal>();
            while (taken.Count < count)
            {
                taken.Add(await _received.Reader.ReadAsync(timeout.Token));
            }

            return taken;
        }
    }
}
