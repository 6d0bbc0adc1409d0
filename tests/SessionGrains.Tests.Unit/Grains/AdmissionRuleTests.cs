using SessionGrains.Grains.Sites;

namespace SessionGrains.Tests.Unit.Grains;

/// <summary>The admission rule on its own, case by case, without a silo.</summary>
public sealed class AdmissionRuleTests
{
    private static readonly DateTimeOffset Now = TestSilo.Epoch;

    [Theory]
    [InlineData(-1, 1000, true)]
    [InlineData(0, 0, false)]
    [InlineData(3, 2, true)]
    [InlineData(3, 3, false)]
    [InlineData(3, 5, false)]
    public void Deny_admits_while_seats_are_free(int limit, int counted, bool admitted)
    {
        var sessions = Sessions(Enumerable.Range(0, counted).Select(i => Session($"user-{i}", i)));

        var decision = AdmissionRule.Decide(new SiteSettings { Limit = limit }, sessions, 0, 0, "newcomer", exempt: false);

        Assert.Equal(admitted, decision is AdmissionDecision.Admit { Evict: null });
    }

    [Fact]
    public void A_closed_site_says_so_rather_than_full()
    {
        var decision = AdmissionRule.Decide(new SiteSettings { Limit = 0 }, Sessions([]), 0, 0, "ann", exempt: false);

        Assert.Equal(RefusalReason.SiteClosed, Assert.IsType<AdmissionDecision.Refuse>(decision).Reason);
    }

    [Fact]
    public void Exempt_newcomers_are_admitted_whatever_the_state()
    {
        var sessions = Sessions([Session("ann", 0)]);

        foreach (var limit in new[] { 0, 1 })
        {
            var decision = AdmissionRule.Decide(new SiteSettings { Limit = limit, PerUserLimit = 1 }, sessions, 0, 0, "ann", exempt: true);
            Assert.Equal(new AdmissionDecision.Admit(Exempt: true, Evict: null), decision);
        }
    }

    [Fact]
    public void EvictIdlest_picks_the_oldest_activity_and_never_an_exempt_session()
    {
        var exempt = Session("operator", -100, exempt: true);
        var idlest = Session("ann", 1);
        var sessions = Sessions([exempt, idlest, Session("bob", 5), Session("cat", 3)]);

        var decision = AdmissionRule.Decide(new SiteSettings { Limit = 3, OnFull = FullSitePolicy.EvictIdlest }, sessions, 0, 0, "dan", exempt: false);

        Assert.Same(idlest, Assert.IsType<AdmissionDecision.Admit>(decision).Evict);
    }

    [Fact]
    public void EvictIdlest_does_not_evict_to_get_back_under_a_lowered_limit()
    {
        var sessions = Sessions([Session("ann", 1), Session("bob", 2), Session("cat", 3)]);

        var decision = AdmissionRule.Decide(new SiteSettings { Limit = 2, OnFull = FullSitePolicy.EvictIdlest }, sessions, 0, 0, "dan", exempt: false);

        Assert.Equal(RefusalReason.SiteFull, Assert.IsType<AdmissionDecision.Refuse>(decision).Reason);
    }

    [Fact]
    public void The_per_user_limit_is_checked_before_the_site_limit()
    {
        var sessions = Sessions([Session("ann", 1), Session("ann", 2)]);

        var decision = AdmissionRule.Decide(new SiteSettings { Limit = 2, PerUserLimit = 2 }, sessions, 0, 0, "ann", exempt: false);

        Assert.Equal(RefusalReason.UserLimit, Assert.IsType<AdmissionDecision.Refuse>(decision).Reason);
    }

    [Fact]
    public void EvictIdlest_replaces_the_users_own_idlest_session_even_on_a_full_site()
    {
        var annsIdlest = Session("ann", 1);
        var sessions = Sessions([Session("bob", 0), annsIdlest, Session("ann", 4)]);

        var decision = AdmissionRule.Decide(
            new SiteSettings { Limit = 3, PerUserLimit = 2, OnFull = FullSitePolicy.EvictIdlest }, sessions, 0, 0, "ann", exempt: false);

        Assert.Same(annsIdlest, Assert.IsType<AdmissionDecision.Admit>(decision).Evict);
    }

    [Fact]
    public void Exempt_sessions_count_towards_the_most_sessions_and_are_refused_past_it()
    {
        var sessions = Sessions([Session("operator", 0, exempt: true), Session("ann", 1)]);
        var settings = new SiteSettings { Limit = SiteSettings.Unlimited, MaxSessions = 2 };

        var exempt = AdmissionRule.Decide(settings, sessions, 0, 0, "boss", exempt: true);
        var counted = AdmissionRule.Decide(settings, sessions, 0, 0, "bob", exempt: false);

        Assert.Equal(RefusalReason.MaxSessions, Assert.IsType<AdmissionDecision.Refuse>(exempt).Reason);
        Assert.Equal(RefusalReason.MaxSessions, Assert.IsType<AdmissionDecision.Refuse>(counted).Reason);
        Assert.Equal(new AdmissionDecision.Admit(Exempt: true, Evict: null), AdmissionRule.Decide(settings with { MaxSessions = 3 }, sessions, 0, 0, "boss", exempt: true));
    }

    [Fact]
    public void An_eviction_swaps_a_session_at_the_most_sessions_but_never_takes_the_site_past_it()
    {
        var idlest = Session("ann", 1);
        var atCap = Sessions([Session("operator", 0, exempt: true), idlest, Session("bob", 2)]);
        var settings = new SiteSettings { Limit = 2, OnFull = FullSitePolicy.EvictIdlest, MaxSessions = 3 };

        Assert.Same(idlest, Assert.IsType<AdmissionDecision.Admit>(AdmissionRule.Decide(settings, atCap, 0, 0, "cat", exempt: false)).Evict);

        // Without a full limit nothing is evicted, so a newcomer would make one session too many.
        var unlimited = settings with { Limit = SiteSettings.Unlimited };
        Assert.Equal(RefusalReason.MaxSessions, Assert.IsType<AdmissionDecision.Refuse>(AdmissionRule.Decide(unlimited, atCap, 0, 0, "cat", exempt: false)).Reason);
    }

    private static LiveSessionSet Sessions(IEnumerable<LiveSession> sessions) =>
        new(sessions);

    private static LiveSession Session(string userId, int minutesAfterNow, bool exempt = false) => new()
    {
        SessionId = SessionId.New(),
        UserId = userId,
        Roles = [],
        StartedAt = Now,
        Exempt = exempt,
        LastActivityAt = Now.AddMinutes(minutesAfterNow),
        ExpiresAt = Now.AddMinutes(minutesAfterNow + 90),
    };
}
