using System.Runtime.CompilerServices;
using SessionGrains.Grains.Guard;

namespace SessionGrains.Tests.Unit.Grains;

/// <summary>The guard's counting rules on a clock of plain ticks: window, block, extension, a fresh count after a block.</summary>
public sealed class GuardRulesTests
{
    private static readonly TimeSpan Block = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(600);
    private static readonly long Start = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero).UtcTicks;

    [Fact]
    public void The_fourth_failure_within_the_window_blocks_for_the_block_time()
    {
        var entry = default(GuardEntry);
        for (var i = 0; i < 3; i++)
        {
            Assert.False(Fail(ref entry, At(i * 10)));
            Assert.Null(GuardRules.Check(ref entry, At(i * 10), Block, extend: true));
        }

        Assert.True(Fail(ref entry, At(30)));

        Assert.Equal(At(90), GuardRules.Check(ref entry, At(30), Block, extend: false));
        Assert.Null(GuardRules.Check(ref entry, At(90), Block, extend: false));
    }

    [Fact]
    public void Failures_older_than_the_window_are_forgotten()
    {
        var entry = default(GuardEntry);
        Fail(ref entry, At(0));
        Fail(ref entry, At(100));
        Fail(ref entry, At(200));

        // The window began with the first failure: at 600 s it is over, and this failure starts a new one.
        Assert.False(Fail(ref entry, At(600)));
        Assert.Equal(1, entry.Failures);
        Assert.False(GuardRules.IsLive(entry, At(1200), Window));
        Assert.True(GuardRules.IsLive(entry, At(1199), Window));
    }

    [Fact]
    public void An_attempt_while_blocked_restarts_the_block_only_when_so_configured()
    {
        var entry = Blocked(At(0));

        Assert.Equal(At(60), GuardRules.Check(ref entry, At(50), Block, extend: false));
        Assert.Equal(At(110), GuardRules.Check(ref entry, At(50), Block, extend: true));
        Assert.Equal(At(140), GuardRules.Check(ref entry, At(80), Block, extend: true));

        // A failure reported while blocked is an attempt too.
        Assert.True(GuardRules.Fail(ref entry, At(100), 4, Block, Window, extend: true));
        Assert.Equal(At(160), entry.BlockedUntil);
    }

    [Fact]
    public void After_a_block_the_count_starts_afresh()
    {
        var entry = Blocked(At(0));

        for (var i = 0; i < 3; i++)
        {
            Assert.False(Fail(ref entry, At(61 + i)));
        }

        Assert.True(Fail(ref entry, At(64)));
    }

    [Fact]
    public void A_full_table_pushes_out_its_oldest_entry_and_a_removed_one_is_gone()
    {
        var table = new GuardTable<string>(capacity: 3);
        foreach (var user in new[] { "ann", "bob", "cat" })
        {
            table.FindOrAdd(user).Failures = 1;
        }

        Assert.True(table.Remove("bob"));
        table.FindOrAdd("dan").Failures = 1;
        Assert.Equal(3, table.Count);
        table.FindOrAdd("eve").Failures = 1;

        Assert.Equal(3, table.Count);
        Assert.True(Unsafe.IsNullRef(ref table.Find("ann")));
        Assert.Equal(1, table.Find("cat").Failures);
        Assert.True(Unsafe.IsNullRef(ref table.Find("bob")));
    }

    [Fact]
    public void A_table_stays_within_its_capacity_under_a_long_spray()
    {
        var table = new GuardTable<int>(capacity: 1000);
        for (var i = 0; i < 100_000; i++)
        {
            table.FindOrAdd(i).Failures = 1;
            if (i % 3 == 1)
            {
                table.Remove(i);
            }
        }

        Assert.Equal(1000, table.Count);
        Assert.Equal(1, table.Find(99_999).Failures);
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("192.0.2.1", "::ffff:192.0.2.1", true)]
    [InlineData("192.0.2.1", "192.0.2.2", false)]
    [InlineData("2001:db8:1:2::/64", "2001:db8:1:2::9", true)]
    public void Addresses_are_counted_per_IPv4_address_and_per_IPv6_64(string one, string other, bool same)
    {
        Assert.True(GuardAddress.TryParse(one, out var a));
        Assert.True(GuardAddress.TryParse(other, out var b));
        Assert.Equal(same, a == b);
    }

    [Theory]
    [InlineData("192.0.2.1", "192.0.2.1")]
    [InlineData("2001:DB8:1:2::7", "2001:db8:1:2::/64")]
    public void An_address_is_named_as_it_is_counted(string text, string named)
    {
        Assert.True(GuardAddress.TryParse(text, out var address));
        Assert.Equal(named, address.ToString());
    }

    [Theory]
    [InlineData("192.0.2.1/64")]
    [InlineData("not an address")]
    [InlineData("")]
    [InlineData("0x7f.1")]
    public void Anything_else_is_no_address(string text) => Assert.False(GuardAddress.TryParse(text, out _));

    private static bool Fail(ref GuardEntry entry, long now) => GuardRules.Fail(ref entry, now, 4, Block, Window, extend: true);

    private static GuardEntry Blocked(long now)
    {
        var entry = default(GuardEntry);
        for (var i = 0; i < 4; i++)
        {
            Fail(ref entry, now);
        }

        return entry;
    }

    private static long At(int seconds) => Start + TimeSpan.FromSeconds(seconds).Ticks;
}
