using SessionGrains.Grains.Sites;

namespace SessionGrains.Tests.Unit.Grains;

/// <summary>The waiting line's order: positions and the ticket at a position, through joins, leaves and restores.</summary>
public sealed class LineOrderTests
{
    [Fact]
    public void Positions_follow_the_order_of_joining_and_close_up_when_someone_leaves()
    {
        var order = new LineOrder();
        var tickets = Enumerable.Range(0, 5).Select(_ => SessionId.New()).ToArray();
        var sequences = tickets.Select(order.Append).ToArray();

        Assert.Equal([1, 2, 3, 4, 5], sequences.Select(order.PositionOf));
        Assert.True(order.Remove(sequences[1]));
        Assert.False(order.Remove(sequences[1]));

        Assert.Equal([1, 2, 3, 4], new[] { 0, 2, 3, 4 }.Select(i => order.PositionOf(sequences[i])));
        Assert.Equal(tickets[2], order.At(2));
        Assert.Equal(tickets[0], order.At(1));
        Assert.Null(order.At(5));
        Assert.Equal([tickets[0], tickets[2], tickets[3], tickets[4]], order.InOrder());
    }

    [Fact]
    public void A_long_line_that_moves_for_a_long_time_keeps_its_positions()
    {
        var order = new LineOrder();
        var line = new Queue<(SessionId Ticket, long Sequence)>();
        for (var i = 0; i < 50_000; i++)
        {
            var ticket = SessionId.New();
            line.Enqueue((ticket, order.Append(ticket)));
            if (i % 3 != 0)
            {
                var (_, head) = line.Dequeue();
                Assert.Equal(1, order.PositionOf(head));
                order.Remove(head);
            }
        }

        Assert.Equal(line.Count, order.Count);
        var position = 0;
        foreach (var (ticket, sequence) in line)
        {
            Assert.Equal(++position, order.PositionOf(sequence));
            Assert.Equal(ticket, order.At(position));
        }
    }

    [Fact]
    public void A_line_restored_in_any_order_is_in_the_order_it_was_stored()
    {
        var order = new LineOrder();
        (long Sequence, SessionId Ticket)[] stored = [(907, SessionId.New()), (40, SessionId.New()), (41, SessionId.New()), (5_000, SessionId.New())];
        foreach (var (sequence, ticket) in stored)
        {
            order.Insert(sequence, ticket);
        }

        Assert.Equal(stored.OrderBy(s => s.Sequence).Select(s => s.Ticket), order.InOrder());
        Assert.Equal(3, order.PositionOf(907));
        Assert.Equal(5_001, order.NextSequence);
        var newcomer = SessionId.New();
        Assert.Equal(5, order.PositionOf(order.Append(newcomer)));
    }
}
