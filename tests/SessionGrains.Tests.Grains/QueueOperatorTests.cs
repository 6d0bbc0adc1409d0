using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// What an operator sees of a site's waiting line and decides on it: the head of the line in order, <b>remove</b>
/// (the holder learns why, those behind move up) and <b>admit next</b> (a seat held over the limit for the next ticket
/// without one), and the line's length in the 24-hour history. Time is the silo's fake clock.
/// </summary>
public abstract class QueueOperatorTests(StorageKind kind) : IAsyncLifetime
{
    private static readonly TimeSpan Claim = TimeSpan.FromSeconds(30);
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(kind);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task The_line_lists_from_its_head_with_each_tickets_user_and_times_and_says_how_many_wait_in_all()
    {
        var site = await NewSiteAsync(limit: 1);
        var ann = await site.AdmitAsync(Sites.User("ann"));
        var joined = new List<(TicketWaiting Ticket, DateTimeOffset At)>();
        foreach (var user in new[] { "bob", "cat", "dan" })
        {
            joined.Add((await JoinAsync(site, user), _silo.Clock.GetUtcNow()));
            _silo.Clock.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.IsType<TicketWaiting>(await site.PollTicketAsync(joined[1].Ticket.TicketId));
        var catPolled = _silo.Clock.GetUtcNow();
        Assert.True(await site.SignOutAsync(ann.SessionId));

        var line = await site.GetLineAsync(2);

        Assert.Equal(3, line.Waiting);
        Assert.Equal([1, 2], line.Tickets.Select(t => t.Position));
        Assert.Equal([joined[0].Ticket.TicketId, joined[1].Ticket.TicketId], line.Tickets.Select(t => t.TicketId));
        Assert.Equal(["bob", "cat"], line.Tickets.Select(t => t.UserId));
        Assert.Equal([joined[0].At, joined[1].At], line.Tickets.Select(t => t.JoinedAt));
        Assert.Equal([joined[0].At, catPolled], line.Tickets.Select(t => t.LastPolledAt));

        // The freed seat is held for the head, and only for it.
        Assert.Equal(catPolled + Claim, line.Tickets[0].SeatHeldUntil);
        Assert.Null(line.Tickets[1].SeatHeldUntil);
        Assert.Equal(["bob", "cat", "dan"], (await site.GetLineAsync(LinePage.MaxSize)).Tickets.Select(t => t.UserId));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(LinePage.MaxSize + 1)]
    public async Task A_page_of_the_line_outside_its_bounds_is_refused(int limit)
    {
        var site = await NewSiteAsync(limit: 1);

        var refused = await Assert.ThrowsAsync<InvalidRequestException>(() => site.GetLineAsync(limit));

        Assert.Equal("limit", Assert.Single(refused.Errors).Field);
    }

    [Fact]
    public async Task A_removed_ticket_is_told_so_and_those_behind_move_up()
    {
        var site = await NewSiteAsync(limit: 1);
        await site.AdmitAsync(Sites.User("ann"));
        var bob = await JoinAsync(site, "bob");
        var cat = await JoinAsync(site, "cat");

        Assert.True(await site.RemoveTicketAsync(bob.TicketId));
        Assert.False(await site.RemoveTicketAsync(bob.TicketId));

        Assert.Equal(TicketEndReason.Removed, Assert.IsType<TicketEnded>(await site.PollTicketAsync(bob.TicketId)).Reason);
        Assert.Equal(1, Assert.IsType<TicketWaiting>(await site.PollTicketAsync(cat.TicketId)).Position);
        Assert.Equal(["cat"], (await site.GetLineAsync(LinePage.DefaultSize)).Tickets.Select(t => t.UserId));

        // Bob may sign in again: he joins the end of the line anew.
        Assert.Equal(2, (await JoinAsync(site, "bob")).Position);
    }

    [Fact]
    public async Task Removing_the_holder_of_a_seat_passes_the_seat_to_the_next_at_once()
    {
        var site = await NewSiteAsync(limit: 1);
        var ann = await site.AdmitAsync(Sites.User("ann"));
        var bob = await JoinAsync(site, "bob");
        var cat = await JoinAsync(site, "cat");
        Assert.True(await site.SignOutAsync(ann.SessionId));

        Assert.True(await site.RemoveTicketAsync(bob.TicketId));

        Assert.Equal(cat.TicketId, Assert.IsType<TicketAdmitted>(await site.PollTicketAsync(cat.TicketId)).Session.SessionId);
        Assert.Equal(1, (await site.GetSummaryAsync()).Active);
    }

    [Fact]
    public async Task Admit_next_seats_the_head_over_the_limit_by_one_and_the_line_moves_up()
    {
        var site = await NewSiteAsync(limit: 1);
        var ann = await site.AdmitAsync(Sites.User("ann"));
        var bob = await JoinAsync(site, "bob");
        var cat = await JoinAsync(site, "cat");

        var next = await site.AdmitNextAsync();

        Assert.NotNull(next);
        Assert.Equal((bob.TicketId, "bob", 1), (next.TicketId, next.UserId, next.Position));
        Assert.Equal(_silo.Clock.GetUtcNow() + Claim, next.SeatHeldUntil);
        var admitted = Assert.IsType<TicketAdmitted>(await site.PollTicketAsync(bob.TicketId)).Session;
        Assert.Equal((bob.TicketId, 2), (admitted.SessionId, admitted.Active));
        Assert.Equal(2, (await site.GetSummaryAsync()).Active);
        Assert.Equal(1, Assert.IsType<TicketWaiting>(await site.PollTicketAsync(cat.TicketId)).Position);

        // Over the limit, a newcomer still queues, and a seat that frees brings the count back to the limit, no seat for the line yet.
        Assert.Equal(2, (await JoinAsync(site, "dan")).Position);
        Assert.True(await site.SignOutAsync(ann.SessionId));
        Assert.Null((await site.GetLineAsync(1)).Tickets[0].SeatHeldUntil);
        Assert.IsType<TicketWaiting>(await site.PollTicketAsync(cat.TicketId));

        // The next seat that frees is cat's, as usual.
        Assert.True(await site.SignOutAsync(bob.TicketId));
        Assert.IsType<TicketAdmitted>(await site.PollTicketAsync(cat.TicketId));
        Assert.Equal(1, (await site.GetSummaryAsync()).Active);
    }

    [Fact]
    public async Task Admit_next_passes_over_a_ticket_that_holds_a_seat_and_answers_null_when_none_is_left()
    {
        var site = await NewSiteAsync(limit: 1);
        Assert.Null(await site.AdmitNextAsync());
        var ann = await site.AdmitAsync(Sites.User("ann"));
        var bob = await JoinAsync(site, "bob");
        var cat = await JoinAsync(site, "cat");
        Assert.True(await site.SignOutAsync(ann.SessionId));

        Assert.Equal(cat.TicketId, (await site.AdmitNextAsync())?.TicketId);
        Assert.Null(await site.AdmitNextAsync());

        Assert.IsType<TicketAdmitted>(await site.PollTicketAsync(cat.TicketId));
        Assert.IsType<TicketAdmitted>(await site.PollTicketAsync(bob.TicketId));
        Assert.Equal(2, (await site.GetSummaryAsync()).Active);
    }

    [Fact]
    public async Task The_history_shows_the_lines_length_each_minute()
    {
        var site = await NewSiteAsync(limit: 1);
        await site.AdmitAsync(Sites.User("ann"));
        var bob = await JoinAsync(site, "bob");
        await JoinAsync(site, "cat");
        _silo.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await site.RemoveTicketAsync(bob.TicketId));
        _silo.Clock.Advance(TimeSpan.FromMinutes(1));

        var history = await site.GetHistoryAsync();

        Assert.Equal(SiteHistory.BucketCount, history.Waiting.Count);
        Assert.Equal([0, 2, 2, 1], history.Waiting.TakeLast(4));
        Assert.Equal([0, 1, 1, 1], history.Active.TakeLast(4));
    }

    private async Task<ISiteGrain> NewSiteAsync(int limit)
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new SiteSettingsUpdate
        {
            Limit = limit,
            OnFull = FullSitePolicy.Queue,
            ClaimTime = Claim,
            TicketTimeout = TimeSpan.FromMinutes(10),
        });
        return site;
    }

    private static async Task<TicketWaiting> JoinAsync(ISiteGrain site, string userId) =>
        Assert.IsType<SessionQueued>(await site.OpenSessionAsync(Sites.User(userId))).Ticket;

    private ISessionGrain Session(ISiteGrain site, SessionId sessionId) =>
        _silo.Grains.GetSessionGrain(site.GetPrimaryKeyString(), sessionId);
}

public sealed class QueueOperatorTestsOnSqlite() : QueueOperatorTests(StorageKind.Sqlite);

public sealed class QueueOperatorTestsOnPostgreSql() : QueueOperatorTests(StorageKind.PostgreSql);
