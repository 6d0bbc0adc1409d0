namespace SessionGrains.Tests.Grains;

/// <summary>Invariant 1: concurrent sign-ins never overshoot the limit.</summary>
public abstract class ConcurrencyTests(SiloFixture fixture)
{
    private const int Attempts = 1000;
    private const int Limit = 50;

    private TestSilo Silo => fixture.Silo;

    [Fact]
    public async Task A_thousand_concurrent_opens_against_a_limit_of_fifty_admit_exactly_fifty()
    {
        var site = Silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new() { Limit = Limit });

        var results = await Task.WhenAll(Enumerable.Range(0, Attempts)
            .Select(i => Task.Run(() => site.OpenSessionAsync(Sites.User($"user-{i}")))));

        var admitted = results.OfType<SessionAdmitted>().ToList();
        Assert.Equal(Limit, admitted.Count);
        Assert.Equal(Attempts - Limit, results.OfType<SessionRefused>().Count(r => r.Reason == RefusalReason.SiteFull));
        Assert.Equal(Limit, admitted.Select(a => a.SessionId).Distinct().Count());
        Assert.All(admitted, a => Assert.InRange(a.Active, 1, Limit));
        Assert.Equal(Enumerable.Range(1, Limit), admitted.Select(a => a.Active).Order());

        var status = await site.GetStatusAsync();
        Assert.Equal(Limit, status.Summary.Active);
        Assert.Equal(admitted.Select(a => a.SessionId).ToHashSet(), status.Sessions.Select(s => s.SessionId).ToHashSet());
    }

    [Fact]
    public async Task With_EvictIdlest_every_newcomer_gets_in_and_exactly_fifty_stay_counted()
    {
        var site = Silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new() { Limit = Limit, OnFull = FullSitePolicy.EvictIdlest });

        var results = await Task.WhenAll(Enumerable.Range(0, Attempts)
            .Select(i => Task.Run(() => site.OpenSessionAsync(Sites.User($"user-{i}")))));

        var admitted = results.OfType<SessionAdmitted>().ToList();
        Assert.Equal(Attempts, admitted.Count);
        Assert.All(admitted, a => Assert.InRange(a.Active, 1, Limit));

        var status = await site.GetStatusAsync();
        Assert.Equal(Limit, status.Summary.Active);
        Assert.Equal(Limit, status.Sessions.Count);
    }

    [Fact]
    public async Task Concurrent_sign_ins_of_one_user_respect_the_per_user_limit()
    {
        var site = Silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new() { Limit = Limit, PerUserLimit = 3 });

        var results = await Task.WhenAll(Enumerable.Range(0, 200)
            .Select(i => Task.Run(() => site.OpenSessionAsync(Sites.User($"user-{i % 2}")))));

        Assert.Equal(6, results.OfType<SessionAdmitted>().Count());
        Assert.Equal(194, results.OfType<SessionRefused>().Count(r => r.Reason == RefusalReason.UserLimit));
    }
}

public sealed class ConcurrencyTestsOnSqlite(SqliteSiloFixture fixture) : ConcurrencyTests(fixture), IClassFixture<SqliteSiloFixture>;

public sealed class ConcurrencyTestsOnPostgreSql(PostgreSqlSiloFixture fixture) : ConcurrencyTests(fixture), IClassFixture<PostgreSqlSiloFixture>;
