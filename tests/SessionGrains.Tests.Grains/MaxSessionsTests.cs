namespace SessionGrains.Tests.Grains;

/// <summary>The most sessions a site may hold at all: exempt sessions count towards it, and nobody gets past it.</summary>
public abstract class MaxSessionsTests(SiloFixture fixture)
{
    private TestSilo Silo => fixture.Silo;

    private async Task<ISiteGrain> SiteAsync(SiteSettingsUpdate settings)
    {
        var site = Silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(settings);
        return site;
    }

    [Fact]
    public async Task Exempt_sessions_fill_the_site_and_are_refused_past_it_while_the_limit_counts_only_seats()
    {
        var site = await SiteAsync(new() { Limit = 2, MaxSessions = 3, ExemptRoles = ["operator"] });

        await site.AdmitAsync(Sites.User("op-1", "operator"));
        await site.AdmitAsync(Sites.User("op-2", "operator"));
        var ann = await site.AdmitAsync(Sites.User("ann"));

        // The limit still counts one seat of two; the site holds all it may.
        Assert.Equal(1, ann.Active);
        Assert.Equal(RefusalReason.MaxSessions, (await site.RefuseAsync(Sites.User("bob"))).Reason);
        Assert.Equal(RefusalReason.MaxSessions, (await site.RefuseAsync(Sites.User("op-3", "operator"))).Reason);

        var status = await site.GetStatusAsync();
        Assert.Equal(3, status.Sessions.Count);
        Assert.Equal(1, status.Summary.Active);

        // A session that ends makes room again, for anyone.
        Assert.True(await site.KickAsync(ann.SessionId));
        await site.AdmitAsync(Sites.User("op-3", "operator"));
    }

    [Fact]
    public async Task A_repeated_resume_holds_the_same_session_at_the_most_sessions()
    {
        var site = await SiteAsync(new() { MaxSessions = 1 });
        var first = await site.AdmitAsync(Sites.User("ann"));
        var resume = Sites.User("ann") with { Resumes = first.SessionId };

        // The idle-ended session's end never reached the site: the resume replaces it rather than adding one.
        var resumed = await site.AdmitAsync(resume);
        var again = await site.AdmitAsync(resume);

        Assert.Equal(resumed.SessionId, again.SessionId);
        Assert.Single((await site.GetStatusAsync()).Sessions);
    }

    [Fact]
    public async Task The_configured_default_applies_to_a_site_never_configured()
    {
        var settings = await Silo.Grains.GetSiteGrain(Sites.NewId()).GetSettingsAsync();

        Assert.Equal(SiteSettings.DefaultMaxSessions, settings.MaxSessions);
    }

    [Fact]
    public async Task Concurrent_opens_of_exempt_and_counted_sessions_never_exceed_the_most_sessions()
    {
        const int Max = 40;
        var site = await SiteAsync(new() { Limit = 30, MaxSessions = Max, ExemptRoles = ["operator"] });

        var results = await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(() =>
            site.OpenSessionAsync(i % 2 == 0 ? Sites.User($"op-{i}", "operator") : Sites.User($"user-{i}")))));

        var admitted = results.OfType<SessionAdmitted>().ToList();
        Assert.Equal(Max, admitted.Count);
        Assert.InRange(admitted.Count(a => !a.Exempt), 1, 30);
        Assert.Contains(results, r => r is SessionRefused { Reason: RefusalReason.MaxSessions });
        Assert.Equal(Max, (await site.GetStatusAsync()).Sessions.Count);
    }
}

public sealed class MaxSessionsTestsOnSqlite(SqliteSiloFixture fixture) : MaxSessionsTests(fixture), IClassFixture<SqliteSiloFixture>;

public sealed class MaxSessionsTestsOnPostgreSql(PostgreSqlSiloFixture fixture) : MaxSessionsTests(fixture), IClassFixture<PostgreSqlSiloFixture>;
