using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// A full site whose policy is to queue: newcomers get tickets in join order, every freed seat goes to the head of the
/// line, a seat not claimed in time passes on, tickets not asked about leave, and the line survives a restart.
/// Time is the silo's fake clock; the line's own timer runs in real time, so lapses are awaited.
/// </summary>
public abstract class QueueTests(StorageKind kind) : IAsyncLifetime
{
    private static readonly TimeSpan Claim = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan TicketTimeout = TimeSpan.FromSeconds(60);
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(kind);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task A_storm_of_newcomers_is_seated_in_the_order_it_joined_and_the_count_never_passes_the_limit()
    {
        var site = await NewSiteAsync(limit: 10);
        var seated = new List<SessionId>();
        for (var i = 0; i < 10; i++)
        {
            seated.Add((await site.AdmitAsync(Sites.User($"early-{i}"))).SessionId);
        }

        var joined = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => site.OpenSessionAsync(Sites.User($"user-{i}"))));
        var tickets = joined.Select(result => Assert.IsType<SessionQueued>(result).Ticket).OrderBy(t => t.Position).ToList();
        Assert.Equal(Enumerable.Range(1, 1000), tickets.Select(t => t.Position));

        // Seats free one at a time; each goes to the head, whoever else asks.
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(await _silo.Grains.GetSiteGrain(site.GetPrimaryKeyString()).SignOutAsync(seated[0]));
            seated.RemoveAt(0);
            if (i < 999)
            {
                Assert.IsType<TicketWaiting>(await site.PollTicketAsync(tickets[i + 1].TicketId));
            }

            var admitted = Assert.IsType<TicketAdmitted>(await site.PollTicketAsync(tickets[i].TicketId)).Session;
            Assert.Equal(tickets[i].TicketId, admitted.SessionId);
            Assert.Equal(10, admitted.Active);
            seated.Add(admitted.SessionId);
        }

        Assert.Equal(10, (await site.GetSummaryAsync()).Active);
    }

    [Fact]
    public async Task While_anyone_waits_a_newcomer_joins_the_end_even_when_a_seat_has_just_freed()
    {
        var site = await NewSiteAsync(limit: 1);
        var ann = await site.AdmitAsync(Sites.User("ann"));
        var bob = Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User("bob"))).Ticket;

        Assert.True(await _silo.Grains.GetSiteGrain(site.GetPrimaryKeyString()).SignOutAsync(ann.SessionId));
        var cat = Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User("cat"))).Ticket;

        Assert.Equal(2, cat.Position);
        Assert.IsType<TicketAdmitted>(await site.PollTicketAsync(bob.TicketId));
        Assert.Equal(1, Assert.IsType<TicketWaiting>(await site.PollTicketAsync(cat.TicketId)).Position);

        // A user waits once: asking again is the same ticket. Exempt roles pass the line as they pass the limit.
        Assert.Equal(cat.TicketId, Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User("cat"))).Ticket.TicketId);
        Assert.True((await site.AdmitAsync(Sites.User("sue", "support"))).Exempt);
    }

    [Fact]
    public async Task A_seat_not_claimed_in_time_passes_to_the_next_and_the_late_ticket_is_told_why()
    {
        var site = await NewSiteAsync(limit: 1);
        var ann = await site.AdmitAsync(Sites.User("ann"));
        var bob = Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User("bob"))).Ticket;
        var cat = Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User("cat"))).Ticket;
        Assert.True(await site.KickAsync(ann.SessionId));

        // Bob's seat is held; he does not come. Cat keeps asking, and gets it once Bob's claim time is over.
        _silo.Clock.Advance(Claim);
        var admitted = await Eventually.WaitForAsync(() => site.PollTicketAsync(cat.TicketId), answer => answer is TicketAdmitted);

        Assert.Equal(cat.TicketId, ((TicketAdmitted)admitted).Session.SessionId);
        Assert.Equal(TicketEndReason.ClaimExpired, Assert.IsType<TicketEnded>(await site.PollTicketAsync(bob.TicketId)).Reason);
    }

    [Fact]
    public async Task Asking_about_a_ticket_again_after_its_seat_was_claimed_gets_the_same_session()
    {
        var site = await NewSiteAsync(limit: 1);
        var ann = await site.AdmitAsync(Sites.User("ann"));
        var bob = Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User("bob"))).Ticket;
        Assert.True(await site.KickAsync(ann.SessionId));
        var claimed = Assert.IsType<TicketAdmitted>(await Eventually.WaitForAsync(() => site.PollTicketAsync(bob.TicketId), answer => answer is TicketAdmitted));

        // The answer to the claim may be lost (a database fault after the write): a retry must not take the user's seat
        // from them by calling the ticket unknown, nor take a second seat.
        var again = Assert.IsType<TicketAdmitted>(await site.PollTicketAsync(bob.TicketId));
        Assert.Equal(claimed.Session.SessionId, again.Session.SessionId);
        Assert.Equal(1, (await site.GetStatusAsync()).Summary.Active);
        Assert.IsType<TicketUnknown>(await site.PollTicketAsync(SessionId.New()));
    }

    [Fact]
    public async Task A_ticket_not_asked_about_leaves_the_line_and_those_behind_move_up()
    {
        var site = await NewSiteAsync(limit: 1);
        await site.AdmitAsync(Sites.User("ann"));
        var quiet = Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User("bob"))).Ticket;
        var asking = Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User("cat"))).Ticket;

        _silo.Clock.Advance(TicketTimeout - TimeSpan.FromSeconds(1));
        Assert.Equal(2, Assert.IsType<TicketWaiting>(await site.PollTicketAsync(asking.TicketId)).Position);
        _silo.Clock.Advance(TimeSpan.FromSeconds(1));

        await Eventually.WaitForAsync(async () => await site.PollTicketAsync(asking.TicketId), answer => answer is TicketWaiting { Position: 1 });
        Assert.Equal(TicketEndReason.TicketExpired, Assert.IsType<TicketEnded>(await site.PollTicketAsync(quiet.TicketId)).Reason);
    }

    [Fact]
    public async Task Leaving_the_line_passes_a_held_seat_on_at_once()
    {
        var site = await NewSiteAsync(limit: 1);
        var ann = await site.AdmitAsync(Sites.User("ann"));
        var bob = Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User("bob"))).Ticket;
        var cat = Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User("cat"))).Ticket;
        Assert.True(await _silo.Grains.GetSiteGrain(site.GetPrimaryKeyString()).SignOutAsync(ann.SessionId));

        Assert.True(await site.LeaveLineAsync(bob.TicketId));
        Assert.False(await site.LeaveLineAsync(bob.TicketId));

        Assert.IsType<TicketAdmitted>(await site.PollTicketAsync(cat.TicketId));
        Assert.IsType<TicketUnknown>(await site.PollTicketAsync(bob.TicketId));
    }

    [Fact]
    public async Task A_closed_site_sends_its_line_away_and_refuses_newcomers()
    {
        var site = await NewSiteAsync(limit: 1);
        await site.AdmitAsync(Sites.User("ann"));
        var bob = Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User("bob"))).Ticket;

        await site.UpdateSettingsAsync(new SiteSettingsUpdate { Limit = SiteSettings.Closed });

        Assert.Equal(TicketEndReason.SiteClosed, Assert.IsType<TicketEnded>(await site.PollTicketAsync(bob.TicketId)).Reason);
        Assert.Equal(RefusalReason.SiteClosed, (await site.RefuseAsync(Sites.User("cat"))).Reason);
    }

    [Fact]
    public async Task The_line_survives_a_restart_in_order_with_its_held_seat()
    {
        var site = await NewSiteAsync(limit: 1);
        var ann = await site.AdmitAsync(Sites.User("ann"));
        var tickets = new List<TicketWaiting>();
        foreach (var user in new[] { "bob", "cat", "dan" })
        {
            tickets.Add(Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User(user))).Ticket);
        }

        Assert.True(await _silo.Grains.GetSiteGrain(site.GetPrimaryKeyString()).SignOutAsync(ann.SessionId));
        await _silo.RestartAsync();
        site = _silo.Grains.GetSiteGrain(site.GetPrimaryKeyString());

        // Bob's seat was held before the restart, and is still his.
        Assert.Equal(2, Assert.IsType<TicketWaiting>(await site.PollTicketAsync(tickets[1].TicketId)).Position);
        Assert.Equal(3, Assert.IsType<TicketWaiting>(await site.PollTicketAsync(tickets[2].TicketId)).Position);
        Assert.Equal(tickets[0].TicketId, Assert.IsType<TicketAdmitted>(await site.PollTicketAsync(tickets[0].TicketId)).Session.SessionId);
        Assert.Equal(1, Assert.IsType<TicketWaiting>(await site.PollTicketAsync(tickets[1].TicketId)).Position);
    }

    [Fact]
    public async Task A_full_line_refuses_as_a_full_site_does()
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new SiteSettingsUpdate { Limit = 1, OnFull = FullSitePolicy.Queue, MaxQueueLength = 2 });
        await site.AdmitAsync(Sites.User("ann"));
        Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User("bob")));
        Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User("cat")));

        Assert.Equal(RefusalReason.SiteFull, (await site.RefuseAsync(Sites.User("dan"))).Reason);
    }

    private async Task<ISiteGrain> NewSiteAsync(int limit)
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new SiteSettingsUpdate
        {
            Limit = limit,
            OnFull = FullSitePolicy.Queue,
            ClaimTime = Claim,
            TicketTimeout = TicketTimeout,
            ExemptRoles = ["support"],
        });
        return site;
    }
}

public sealed class QueueTestsOnSqlite() : QueueTests(StorageKind.Sqlite);

public sealed class QueueTestsOnPostgreSql() : QueueTests(StorageKind.PostgreSql);
