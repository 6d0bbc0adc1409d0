
namespace SessionGrains.Tests.Grains;

/// <summary>Who gets a seat: limits, closed sites, exempt roles, per-user limits, eviction.</summary>
public abstract class AdmissionTests(SiloFixture fixture)
{
    private TestSilo Silo => fixture.Silo;

    /// <summary>Touches a session until the site's end signal has reached it, and returns why it ended.</summary>
    private async Task<SessionEndReason> EndReasonOnceToldAsync(ISiteGrain site, SessionId sessionId)
    {
        var touched = await Eventually.WaitForAsync(
            () => Silo.Grains.GetSessionGrain(site.GetPrimaryKeyString(), sessionId).TouchAsync(),
            r => r is SessionEnded);
        return ((SessionEnded)touched).Reason;
    }

    private async Task<ISiteGrain> SiteAsync(SiteSettingsUpdate settings)
    {
        var site = Silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(settings);
        return site;
    }

    [Fact]
    public async Task Admits_up_to_the_limit_then_refuses_with_the_rendered_message()
    {
        var site = await SiteAsync(new() { Limit = 2, Message = "Sorry, {active} of {limit} seats are taken." });

        var first = await site.AdmitAsync(Sites.User("ann"));
        var second = await site.AdmitAsync(Sites.User("bob"));
        var refused = await site.RefuseAsync(Sites.User("cat"));

        Assert.Equal(1, first.Active);
        Assert.Equal(2, second.Active);
        Assert.NotEqual(first.SessionId, second.SessionId);
        Assert.Equal(RefusalReason.SiteFull, refused.Reason);
        Assert.Equal(2, refused.Active);
        Assert.Equal(2, refused.Limit);
        Assert.Equal("Sorry, 2 of 2 seats are taken.", refused.Message);
        Assert.Equal(SiteSettings.DefaultIdleTimeout, refused.RetryAfter);
        Assert.Equal(2, (await site.GetStatusAsync()).Summary.Active);
    }

    [Theory]
    [InlineData(12, "Sorry, there are already 12 users working on this site. Please try again later.")]
    [InlineData(1, "Sorry, there is already 1 user working on this site. Please try again later.")]
    public async Task The_default_message_names_the_number_of_users_in_good_english(int limit, string expected)
    {
        var site = await SiteAsync(new() { Limit = limit });
        for (var i = 0; i < limit; i++)
        {
            await site.AdmitAsync(Sites.User($"user-{i}"));
        }

        var refused = await site.RefuseAsync(Sites.User("late"));

        Assert.Equal(expected, refused.Message);
    }

    [Fact]
    public async Task A_site_never_configured_is_unlimited_with_an_hour_of_idle_time()
    {
        var site = Silo.Grains.GetSiteGrain(Sites.NewId());

        for (var i = 0; i < 20; i++)
        {
            await site.AdmitAsync(Sites.User($"user-{i}"));
        }

        var settings = await site.GetSettingsAsync();
        Assert.Equal(SiteSettings.Unlimited, settings.Limit);
        Assert.Equal(TimeSpan.FromMinutes(60), settings.IdleTimeout);
        Assert.Equal(20, (await site.GetStatusAsync()).Summary.Active);
    }

    [Fact]
    public async Task A_closed_site_refuses_everyone_but_exempt_roles_which_take_no_seat()
    {
        var site = await SiteAsync(new() { Limit = 0, ExemptRoles = ["operator"] });

        var refused = await site.RefuseAsync(Sites.User("ann"));
        var exempt = await site.AdmitAsync(Sites.User("op", "editor", "operator"));

        Assert.Equal(RefusalReason.SiteClosed, refused.Reason);
        Assert.Equal(SiteSettings.DefaultClosedMessage, refused.Message);
        Assert.Null(refused.RetryAfter);
        Assert.True(exempt.Exempt);
        Assert.Equal(0, exempt.Active);
        var status = await site.GetStatusAsync();
        Assert.Equal(0, status.Summary.Active);
        Assert.True(Assert.Single(status.Sessions).Exempt);
    }

    [Fact]
    public async Task Exempt_sessions_get_in_when_the_site_is_full_and_never_count()
    {
        var site = await SiteAsync(new() { Limit = 1, ExemptRoles = ["support"] });
        await site.AdmitAsync(Sites.User("ann"));

        var exempt = await site.AdmitAsync(Sites.User("helper", "support"));
        var refused = await site.RefuseAsync(Sites.User("bob"));

        Assert.True(exempt.Exempt);
        Assert.Equal(1, refused.Active);
        Assert.Equal(2, (await site.GetStatusAsync()).Sessions.Count);
    }

    [Fact]
    public async Task The_per_user_limit_refuses_a_user_with_its_own_reason_and_message()
    {
        var site = await SiteAsync(new() { Limit = 10, PerUserLimit = 2 });
        await site.AdmitAsync(Sites.User("cat"));
        await site.AdmitAsync(Sites.User("ann"));
        await site.AdmitAsync(Sites.User("ann"));

        var refused = await site.RefuseAsync(Sites.User("ann"));
        var other = await site.AdmitAsync(Sites.User("bob"));

        Assert.Equal(RefusalReason.UserLimit, refused.Reason);
        Assert.Equal(3, refused.Active);
        Assert.Equal("Sorry, you already have 2 sessions on this site, as many as one user may have. Please close one, or try again later.", refused.Message);
        Assert.Equal(4, other.Active);
    }

    [Fact]
    public async Task EvictIdlest_ends_the_session_with_the_oldest_activity_and_admits_the_newcomer()
    {
        var site = await SiteAsync(new() { Limit = 2, OnFull = FullSitePolicy.EvictIdlest });
        var oldest = await site.AdmitAsync(Sites.User("ann"));
        Silo.Clock.Advance(TimeSpan.FromSeconds(1));
        var newer = await site.AdmitAsync(Sites.User("bob"));
        Silo.Clock.Advance(TimeSpan.FromSeconds(1));

        var newcomer = await site.AdmitAsync(Sites.User("cat"));

        Assert.Equal(2, newcomer.Active);
        var live = (await site.GetStatusAsync()).Sessions.Select(s => s.SessionId).ToHashSet();
        Assert.Equal([newer.SessionId, newcomer.SessionId], live);
        Assert.Equal(SessionEndReason.Evicted, await EndReasonOnceToldAsync(site, oldest.SessionId));
    }

    [Fact]
    public async Task EvictIdlest_with_a_per_user_limit_replaces_that_users_idlest_session()
    {
        var site = await SiteAsync(new() { Limit = 10, PerUserLimit = 1, OnFull = FullSitePolicy.EvictIdlest });
        var first = await site.AdmitAsync(Sites.User("ann"));
        var bob = await site.AdmitAsync(Sites.User("bob"));

        var second = await site.AdmitAsync(Sites.User("ann"));

        var live = (await site.GetStatusAsync()).Sessions.Select(s => s.SessionId).ToHashSet();
        Assert.Equal([bob.SessionId, second.SessionId], live);
        Assert.DoesNotContain(first.SessionId, live);
    }

    [Fact]
    public async Task Lowering_the_limit_ends_nobody_and_refuses_until_the_count_falls_below_it()
    {
        var site = await SiteAsync(new() { Limit = 3, OnFull = FullSitePolicy.EvictIdlest });
        var sessions = new List<SessionAdmitted>();
        for (var i = 0; i < 3; i++)
        {
            sessions.Add(await site.AdmitAsync(Sites.User($"user-{i}")));
        }

        await site.UpdateSettingsAsync(new() { Limit = 1 });

        Assert.Equal(3, (await site.GetStatusAsync()).Summary.Active);
        Assert.Equal(RefusalReason.SiteFull, (await site.RefuseAsync(Sites.User("late"))).Reason);
        await Silo.Grains.GetSiteGrain(site.GetPrimaryKeyString()).SignOutAsync(sessions[0].SessionId);
        await Silo.Grains.GetSiteGrain(site.GetPrimaryKeyString()).SignOutAsync(sessions[1].SessionId);
        Assert.Equal(1, (await site.GetStatusAsync()).Summary.Active);

        // At the limit again, eviction swaps one seat for another.
        var newcomer = await site.AdmitAsync(Sites.User("late"));
        Assert.Equal(1, newcomer.Active);
    }

    [Fact]
    public async Task Kicked_sessions_stop_counting_and_learn_why_on_their_next_touch()
    {
        var site = await SiteAsync(new() { Limit = 5 });
        var session = await site.AdmitAsync(Sites.User("ann"));

        Assert.True(await site.KickAsync(session.SessionId));
        Assert.False(await site.KickAsync(session.SessionId));

        Assert.Equal(0, (await site.GetStatusAsync()).Summary.Active);
        Assert.Equal(SessionEndReason.Kicked, await EndReasonOnceToldAsync(site, session.SessionId));
    }

    [Fact]
    public async Task Resuming_an_ended_session_many_times_at_once_takes_one_seat()
    {
        var site = await SiteAsync(new() { Limit = 3 });
        var ended = await site.AdmitAsync(Sites.User("ann"));
        Assert.True(await Silo.Grains.GetSiteGrain(site.GetPrimaryKeyString()).SignOutAsync(ended.SessionId));

        var resumed = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            site.OpenSessionAsync(Sites.User("ann") with { Resumes = ended.SessionId })));

        var seat = Assert.Single(resumed.Select(r => Assert.IsType<SessionAdmitted>(r).SessionId).Distinct());
        Assert.NotEqual(ended.SessionId, seat);
        Assert.Equal(seat, Assert.Single((await site.GetStatusAsync()).Sessions).SessionId);
    }

    [Fact]
    public async Task A_resume_only_continues_the_same_users_session()
    {
        var site = await SiteAsync(new() { Limit = 3 });
        var ann = await site.AdmitAsync(Sites.User("ann"));

        var bob = await site.AdmitAsync(Sites.User("bob") with { Resumes = ann.SessionId });

        Assert.NotEqual(ann.SessionId, bob.SessionId);
        Assert.Equal(2, (await site.GetStatusAsync()).Summary.Active);
    }

    [Fact]
    public async Task Resuming_a_session_the_site_still_counts_ends_it_for_idleness_and_takes_its_place()
    {
        var site = await SiteAsync(new() { Limit = 1 });
        var stale = await site.AdmitAsync(Sites.User("ann"));

        var resumed = await site.AdmitAsync(Sites.User("ann") with { Resumes = stale.SessionId });

        Assert.NotEqual(stale.SessionId, resumed.SessionId);
        Assert.Equal(resumed.SessionId, Assert.Single((await site.GetStatusAsync()).Sessions).SessionId);
        Assert.Equal(SessionEndReason.Idle, await EndReasonOnceToldAsync(site, stale.SessionId));
    }

    [Fact]
    public async Task Logout_frees_the_seat_and_is_idempotent()
    {
        var site = await SiteAsync(new() { Limit = 1 });
        var session = await site.AdmitAsync(Sites.User("ann"));
        var grain = Silo.Grains.GetSessionGrain(site.GetPrimaryKeyString(), session.SessionId);

        Assert.True(await site.SignOutAsync(session.SessionId));
        Assert.False(await site.SignOutAsync(session.SessionId));

        Assert.Equal(SessionEndReason.Logout, Assert.IsType<SessionEnded>(await grain.TouchAsync()).Reason);
        Assert.Equal(1, (await site.AdmitAsync(Sites.User("bob"))).Active);
    }

    [Fact]
    public async Task A_session_id_means_nothing_on_another_site_or_when_never_issued()
    {
        var site = await SiteAsync(new() { Limit = 5 });
        var session = await site.AdmitAsync(Sites.User("ann"));

        var elsewhere = await Silo.Grains.GetSessionGrain(Sites.NewId(), session.SessionId).TouchAsync();
        var invented = await Silo.Grains.GetSessionGrain(site.GetPrimaryKeyString(), SessionId.New()).TouchAsync();

        Assert.IsType<SessionNotFound>(elsewhere);
        Assert.IsType<SessionNotFound>(invented);
        Assert.False(await Silo.Grains.GetSiteGrain(Sites.NewId()).SignOutAsync(session.SessionId));
        Assert.Equal(1, (await site.GetStatusAsync()).Summary.Active);
    }

    [Fact]
    public async Task The_status_lists_every_live_session_with_its_details()
    {
        var site = await SiteAsync(new() { Limit = 5, IdleTimeout = TimeSpan.FromMinutes(10) });
        var admitted = await site.AdmitAsync(Sites.User("ann", "editor"));

        var info = Assert.Single((await site.GetStatusAsync()).Sessions);

        Assert.Equal(admitted.SessionId, info.SessionId);
        Assert.Equal("ann", info.UserId);
        Assert.Equal(["editor"], info.Roles);
        Assert.Equal("203.0.113.7", info.ClientIp);
        Assert.Equal("Mozilla/5.0 (X11; Linux x86_64) Tests", info.UserAgent);
        Assert.Equal(Silo.Clock.GetUtcNow(), info.StartedAt);
        Assert.Equal(info.StartedAt, info.LastActivityAt);
        Assert.Equal(info.StartedAt + TimeSpan.FromMinutes(10), info.IdleExpiresAt);
        Assert.Equal(admitted.IdleExpiresAt, info.IdleExpiresAt);
        Assert.False(info.Exempt);
    }
}

public sealed class AdmissionTestsOnSqlite(SqliteSiloFixture fixture) : AdmissionTests(fixture), IClassFixture<SqliteSiloFixture>;

public sealed class AdmissionTestsOnPostgreSql(PostgreSqlSiloFixture fixture) : AdmissionTests(fixture), IClassFixture<PostgreSqlSiloFixture>;
