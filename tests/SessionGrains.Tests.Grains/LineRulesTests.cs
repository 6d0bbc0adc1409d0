using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// How the waiting line meets the rest of the site: every way a seat frees passes it to the head (idle ends, a raised
/// limit), a lowered limit holds no seat until the count is below it, and the estimate a ticket is given matches the
/// wait it then has, on a steady rate of departures. Time is the silo's fake clock.
/// </summary>
public sealed class LineRulesTests : IAsyncLifetime
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan TicketTimeout = TimeSpan.FromMinutes(10);
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(StorageKind.Sqlite);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task A_seat_freed_by_an_idle_end_is_held_for_the_head_of_the_line()
    {
        var site = await NewSiteAsync(limit: 1);
        await site.AdmitAsync(Sites.User("ann"));
        var bob = Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User("bob"))).Ticket;
        var cat = Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User("cat"))).Ticket;

        _silo.Clock.Advance(IdleTimeout);

        var admitted = await Eventually.WaitForAsync(() => site.PollTicketAsync(bob.TicketId), answer => answer is not TicketWaiting);
        Assert.Equal(bob.TicketId, Assert.IsType<TicketAdmitted>(admitted).Session.SessionId);
        Assert.Equal(1, Assert.IsType<TicketWaiting>(await site.PollTicketAsync(cat.TicketId)).Position);
        Assert.Equal(1, (await site.GetSummaryAsync()).Active);
    }

    [Fact]
    public async Task A_raised_limit_holds_a_seat_for_each_new_one_in_order()
    {
        var site = await NewSiteAsync(limit: 1);
        await site.AdmitAsync(Sites.User("ann"));
        var tickets = new List<TicketWaiting>();
        foreach (var user in new[] { "bob", "cat", "dan" })
        {
            tickets.Add(Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User(user))).Ticket);
        }

        await site.UpdateSettingsAsync(new SiteSettingsUpdate { Limit = 3 });

        // Those holding a seat stay ahead until they claim it.
        Assert.Equal(3, Assert.IsType<TicketWaiting>(await site.PollTicketAsync(tickets[2].TicketId)).Position);
        Assert.IsType<TicketAdmitted>(await site.PollTicketAsync(tickets[1].TicketId));
        Assert.IsType<TicketAdmitted>(await site.PollTicketAsync(tickets[0].TicketId));
        Assert.Equal(1, Assert.IsType<TicketWaiting>(await site.PollTicketAsync(tickets[2].TicketId)).Position);
        Assert.Equal(3, (await site.GetSummaryAsync()).Active);
    }

    [Fact]
    public async Task A_lowered_limit_ends_nobody_and_holds_a_seat_only_once_the_count_is_below_it()
    {
        var site = await NewSiteAsync(limit: 3);
        var seated = new List<SessionAdmitted>();
        foreach (var user in new[] { "ann", "bea", "cyd" })
        {
            seated.Add(await site.AdmitAsync(Sites.User(user)));
        }

        var dan = Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User("dan"))).Ticket;
        await site.UpdateSettingsAsync(new SiteSettingsUpdate { Limit = 1 });
        Assert.Equal(3, (await site.GetSummaryAsync()).Active);

        for (var i = 0; i < 3; i++)
        {
            Assert.IsType<TicketWaiting>(await site.PollTicketAsync(dan.TicketId));
            Assert.True(await _silo.Grains.GetSiteGrain(site.GetPrimaryKeyString()).SignOutAsync(seated[i].SessionId));
        }

        Assert.Equal(1, Assert.IsType<TicketAdmitted>(await site.PollTicketAsync(dan.TicketId)).Session.Active);
    }

    [Fact]
    public async Task On_a_steady_rate_of_departures_the_estimate_is_within_a_fifth_of_the_actual_wait()
    {
        var interval = TimeSpan.FromSeconds(30);
        var site = await NewSiteAsync(limit: 1);
        var seated = (await site.AdmitAsync(Sites.User("user-0"))).SessionId;
        var line = new Queue<TicketWaiting>();
        for (var i = 1; i <= 12; i++)
        {
            line.Enqueue(Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User($"user-{i}"))).Ticket);
        }

        TicketWaiting? watched = null;
        var watchedFrom = DateTimeOffset.MinValue;
        TimeSpan? actual = null;
        for (var departure = 1; actual is null; departure++)
        {
            // One departure every interval; the head claims the freed seat at once.
            _silo.Clock.Advance(interval);
            Assert.True(await _silo.Grains.GetSiteGrain(site.GetPrimaryKeyString()).SignOutAsync(seated));
            var head = line.Dequeue();
            seated = Assert.IsType<TicketAdmitted>(await site.PollTicketAsync(head.TicketId)).Session.SessionId;
            if (head.TicketId == watched?.TicketId)
            {
                actual = _silo.Clock.GetUtcNow() - watchedFrom;
            }

            // After four departures the site has history: the fifth in line asks how long.
            if (departure == 4)
            {
                watched = Assert.IsType<TicketWaiting>(await site.PollTicketAsync(line.ElementAt(4).TicketId));
                watchedFrom = _silo.Clock.GetUtcNow();
                Assert.Equal(5, watched.Position);
            }
        }

        var middle = (watched!.ShortestWait!.Value + watched.LongestWait!.Value) / 2;
        Assert.Equal(5 * interval, actual);
        Assert.InRange(middle, actual.Value * 0.8, actual.Value * 1.2);
        Assert.InRange(actual.Value, watched.ShortestWait.Value, watched.LongestWait.Value);
    }

    private async Task<ISiteGrain> NewSiteAsync(int limit)
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new SiteSettingsUpdate
        {
            Limit = limit,
            IdleTimeout = IdleTimeout,
            OnFull = FullSitePolicy.Queue,
            TicketTimeout = TicketTimeout,
        });
        return site;
    }
}
