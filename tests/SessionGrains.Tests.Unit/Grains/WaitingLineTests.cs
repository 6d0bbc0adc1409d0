using SessionGrains.Grains.Sites;

namespace SessionGrains.Tests.Unit.Grains;

/// <summary>A site's waiting line in memory: order, one ticket per user, seats held in order, lapses, and what a write carries.</summary>
public sealed class WaitingLineTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void Tickets_stand_in_the_order_they_joined_and_seats_are_held_from_the_head()
    {
        var line = new WaitingLine([], Now);
        var tickets = new[] { "ann", "bob", "cat", "dan" }.Select(user => line.Join(SessionId.New(), Sites.User(user), Now)).ToArray();

        Assert.Equal([1, 2, 3, 4], tickets.Select(line.PositionOf));
        var held = line.HoldSeats(2, Now.AddSeconds(60));
        Assert.Equal([tickets[0], tickets[1]], held);
        Assert.Equal(2, line.SeatsHeld);

        // The head claims; the next hold goes to the first without a seat.
        Assert.True(line.Leave(tickets[0].Id));
        Assert.Equal([tickets[2]], line.HoldSeats(1, Now.AddSeconds(70)));
        Assert.Equal([1, 2, 3], new[] { tickets[1], tickets[2], tickets[3] }.Select(line.PositionOf));
        Assert.Equal(2, line.SeatsHeld);
        Assert.Equal(tickets[1], line.OfUser("bob"));
        Assert.Null(line.OfUser("ann"));
        Assert.Throws<InvalidOperationException>(() => line.Join(SessionId.New(), Sites.User("bob"), Now));
    }

    [Fact]
    public void The_head_of_the_line_is_its_first_tickets_however_many_left_before_them()
    {
        var line = new WaitingLine([], Now);
        var tickets = Enumerable.Range(0, 1000).Select(i => line.Join(SessionId.New(), Sites.User($"user-{i}"), Now)).ToArray();
        foreach (var left in tickets.Take(900))
        {
            Assert.True(line.Leave(left.Id));
        }

        Assert.Equal(tickets.Skip(900).Take(3), line.Head(3));
        Assert.Equal(100, line.Head(500).Count);
        Assert.Empty(new WaitingLine([], Now).Head(10));
    }

    [Fact]
    public void A_held_seat_not_claimed_and_a_ticket_not_asked_about_both_lapse()
    {
        var line = new WaitingLine([], Now);
        var head = line.Join(SessionId.New(), Sites.User("ann"), Now);
        var quiet = line.Join(SessionId.New(), Sites.User("bob"), Now);
        var asking = line.Join(SessionId.New(), Sites.User("cat"), Now);
        line.HoldSeats(1, Now.AddSeconds(30));
        WaitingLine.Polled(asking, Now.AddSeconds(50));

        Assert.Empty(line.Lapsed(Now.AddSeconds(29), Timeout));
        Assert.Equal([(head, TicketEndReason.ClaimExpired)], line.Lapsed(Now.AddSeconds(30), Timeout));
        Assert.Equal([(head, TicketEndReason.ClaimExpired), (quiet, TicketEndReason.TicketExpired)], line.Lapsed(Now.AddSeconds(60), Timeout));
    }

    [Fact]
    public void A_write_carries_the_tickets_that_changed_and_a_restored_line_keeps_its_order_and_held_seats()
    {
        var line = new WaitingLine([], Now);
        var ann = line.Join(SessionId.New(), Sites.User("ann"), Now);
        var bob = line.Join(SessionId.New(), Sites.User("bob"), Now);
        var (joined, _) = line.TakeChanges();
        Assert.Equal([ann.Id, bob.Id], joined.Select(t => t.Id).ToHashSet());

        var cat = line.Join(SessionId.New(), Sites.User("cat"), Now);
        line.HoldSeats(1, Now.AddSeconds(60));
        line.Leave(bob.Id);
        var (upserts, removals) = line.TakeChanges();
        Assert.Equal([ann.Id, cat.Id], upserts.Select(t => t.Id).ToHashSet());
        Assert.Equal([bob.Id], removals);
        Assert.False(line.HasChanges);

        // The line as stored (the upserts of both writes, less the removal), read back an hour later.
        var stored = new[] { upserts.Single(t => t.Id == ann.Id), upserts.Single(t => t.Id == cat.Id) }.Reverse();
        var restored = new WaitingLine(stored, Now.AddHours(1));
        Assert.Equal([ann.Id, cat.Id], restored.InOrder().Select(t => t.Id));
        Assert.Equal(1, restored.SeatsHeld);
        Assert.DoesNotContain(restored.Lapsed(Now.AddHours(1).AddSeconds(59), Timeout), l => l.Reason == TicketEndReason.TicketExpired);
        Assert.Equal(3, restored.Join(SessionId.New(), Sites.User("dan"), Now).Sequence);
    }
}
