using SessionGrains.Grains.Sites;

namespace SessionGrains.Tests.Unit.Grains;

/// <summary>The site's session indexes agree with a plain scan of its sessions, whatever happened to them.</summary>
public sealed class LiveSessionSetTests
{
    private static readonly DateTimeOffset Now = TestSilo.Epoch;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void After_any_mix_of_admissions_renewals_and_endings_the_indexes_match_a_scan(int seed)
    {
        var random = new Random(seed);
        var users = Enumerable.Range(0, 12).Select(i => $"user-{i}").ToArray();
        var set = new LiveSessionSet([]);
        var live = new List<LiveSession>();

        for (var step = 0; step < 5_000; step++)
        {
            var roll = random.Next(10);
            if (roll < 4 || live.Count == 0)
            {
                var session = Session(users[random.Next(users.Length)], random.Next(60), exempt: random.Next(8) == 0);
                set.Add(session);
                live.Add(session);
            }
            else if (roll < 7)
            {
                var session = live[random.Next(live.Count)];
                var activity = session.LastActivityAt.AddMinutes(random.Next(3));
                set.Renew(session, activity, activity.AddMinutes(90));
            }
            else
            {
                var session = live[random.Next(live.Count)];
                Assert.Same(session, set.Remove(session.SessionId));
                live.Remove(session);
            }

            var counted = live.Where(s => !s.Exempt).ToList();
            Assert.Equal(counted.Count, set.Counted);

            // The site's idlest is first asked for once the set has history (as when a site fills), then always.
            if (step >= 1_000)
            {
                Assert.Equal(counted.Select(s => s.LastActivityAt).DefaultIfEmpty().Min(), set.FindIdlest()?.LastActivityAt ?? default);
                AssertIsAmong(counted, set.FindIdlest());
            }

            foreach (var user in users)
            {
                var held = counted.Where(s => s.UserId == user).ToList();
                Assert.Equal(held.Count, set.CountedFor(user));
                Assert.Equal(held.Select(s => s.LastActivityAt).DefaultIfEmpty().Min(), set.FindIdlest(user)?.LastActivityAt ?? default);
                AssertIsAmong(held, set.FindIdlest(user));
            }
        }
    }

    [Fact]
    public void Among_sessions_equally_idle_the_earliest_started_goes_first()
    {
        var third = Session("ann", 0, startedMinutesAgo: 1);
        var second = Session("bob", 0, startedMinutesAgo: 2);
        var first = Session("ann", 0, startedMinutesAgo: 3);
        var set = new LiveSessionSet([third, second, first]);

        Assert.Same(first, set.FindIdlest());
        Assert.Same(first, set.FindIdlest("ann"));
        set.Remove(first.SessionId);
        Assert.Same(second, set.FindIdlest());
        Assert.Same(third, set.FindIdlest("ann"));
    }

    private static void AssertIsAmong(List<LiveSession> candidates, LiveSession? found)
    {
        if (found is not null)
        {
            Assert.Contains(candidates, s => ReferenceEquals(s, found));
        }
    }

    private static LiveSession Session(string userId, int minutesAfterNow, bool exempt = false, int startedMinutesAgo = 0) => new()
    {
        SessionId = SessionId.New(),
        UserId = userId,
        Roles = [],
        StartedAt = Now.AddMinutes(-startedMinutesAgo),
        Exempt = exempt,
        LastActivityAt = Now.AddMinutes(minutesAfterNow),
        ExpiresAt = Now.AddMinutes(minutesAfterNow + 90),
    };
}
