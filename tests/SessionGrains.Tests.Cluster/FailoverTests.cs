using System.Net;
using System.Net.Http.Json;
using SessionGrains.Grains.Sessions;
using Xunit.Abstractions;

namespace SessionGrains.Tests.Cluster;

/// <summary>
/// Three real silos on PostgreSQL, under a login storm, through a silo crash, a rolling restart and a database
/// outage: never more sessions than the limit, no admitted session lost, and the site admitting again soon after.
/// Recovery times are printed (docs/deployment.md records them).
/// </summary>
[Collection(ServerClusterCollection.Name)]
public sealed class FailoverTests(ServerCluster cluster, ITestOutputHelper output)
{
    private const int Limit = 20;
    private const int Clients = 12;
    private static readonly TimeSpan LongIdle = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task A_silo_killed_in_a_login_storm_admits_nobody_over_the_limit_loses_no_session_and_the_site_admits_again_within_15_seconds()
    {
        var (siteId, key) = await NewSiteAsync(Limit, LongIdle);
        var storm = LoginStorm.Start(cluster, siteId, key, Limit, Clients);
        await storm.WaitForAdmissionsAsync(30);
        var victim = await cluster.HostOfSiteAsync(siteId);
        try
        {
            // Timed from the moment the process is gone: requests sent before may still have been served by it.
            await cluster.KillAsync(victim);
            var killedAt = TimeProvider.System.GetTimestamp();
            var recovery = await storm.NextAdmissionAfterAsync(killedAt, TimeSpan.FromSeconds(30));
            var declaredDead = await cluster.WaitUntilActiveSilosAsync(ServerCluster.Size - 1, killedAt);
            await storm.WaitForAdmissionsAsync(storm.Admissions + 30);
            await storm.DisposeAsync();

            Measurements.Report(output, $"Killed the site's silo (server {victim}); the site admitted a request sent {recovery.TotalSeconds:F1} s after the kill; the silo was declared dead after {declaredDead.TotalSeconds:F1} s. Outcomes: {storm.Outcomes}; most sessions held at once {storm.MaxHeld}, counted {storm.MaxSampled} (limit {Limit}).");
            Assert.Empty(storm.Violations);
            Assert.True(recovery <= TimeSpan.FromSeconds(15), $"The site admitted again only after {recovery.TotalSeconds:F1} s.");
            Assert.NotEqual(victim, await cluster.HostOfSiteAsync(siteId));
            await AssertNoSessionLostAsync(siteId, key, storm);
        }
        finally
        {
            await storm.DisposeAsync();
            await cluster.StartAsync(victim);
        }
    }

    [Fact]
    public async Task Sessions_whose_grains_died_with_their_silo_stop_counting_when_their_lease_runs_out()
    {
        // Their exact idle deadline lived in the dead silo's memory. The site holds a lease that reaches half an
        // idle timeout past the last deadline it heard of: the bound on how long they can keep counting.
        var idle = TimeSpan.FromSeconds(8);
        var (siteId, _) = await NewSiteAsync(Limit, idle);
        using var admin = ServerCluster.Admin();
        var admittedAt = TimeProvider.System.GetTimestamp();
        var sessions = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            using var opened = await admin.PostAsJsonAsync(Api($"/api/sites/{siteId}/sessions"), new { userId = $"user-{i}" });
            Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
            sessions.Add((await opened.ReadJsonAsync()).GetProperty("sessionId").GetString()!);
        }

        var victim = await cluster.HostOfSiteAsync(siteId);
        await cluster.KillAsync(victim);
        try
        {
            await AssertCountedUntilTheirLeasesRunOutAsync(admin, siteId, sessions, idle, admittedAt);
        }
        finally
        {
            await cluster.StartAsync(victim);
        }
    }

    private async Task AssertCountedUntilTheirLeasesRunOutAsync(HttpClient admin, string siteId, List<string> sessions, TimeSpan idle, long admittedAt)
    {
        TimeSpan freedAfter;
        while (true)
        {
            var active = await ActiveAsync(admin, siteId);
            var elapsed = TimeProvider.System.GetElapsedTime(admittedAt);
            if (active == 0)
            {
                freedAfter = elapsed;
                break;
            }

            Assert.True(elapsed < idle + LeaseTerms.Headroom(idle) + TimeSpan.FromSeconds(3), $"Still {active} counted {elapsed.TotalSeconds:F1} s after admission.");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        Measurements.Report(output, $"Idle timeout {idle.TotalSeconds} s: the sessions of the killed silo stopped counting {freedAfter.TotalSeconds:F1} s after admission (bound: idle deadline + half an idle timeout = {(idle + LeaseTerms.Headroom(idle)).TotalSeconds} s).");
        Assert.True(freedAfter >= idle, "Sessions stopped counting before their idle deadline.");
        foreach (var sessionId in sessions)
        {
            using var touched = await admin.PostAsync(Api($"/api/sites/{siteId}/sessions/{sessionId}/touch"), null);
            var problem = await touched.AssertProblemAsync(HttpStatusCode.Gone, "session_ended");
            Assert.Equal("idle", problem.GetProperty("reason").GetString());
        }
    }

    [Fact]
    public async Task A_rolling_restart_of_every_silo_loses_no_session_and_admits_nobody_over_the_limit()
    {
        var (siteId, key) = await NewSiteAsync(Limit, LongIdle);
        await using var storm = LoginStorm.Start(cluster, siteId, key, Limit, Clients);
        await storm.WaitForAdmissionsAsync(20);

        for (var i = 0; i < ServerCluster.Size; i++)
        {
            var stopping = TimeProvider.System.GetTimestamp();
            await cluster.StopAsync(i);
            var stopped = TimeProvider.System.GetElapsedTime(stopping);
            await cluster.StartAsync(i);
            Measurements.Report(output, $"Silo {i}: graceful stop took {stopped.TotalSeconds:F1} s, back up after {TimeProvider.System.GetElapsedTime(stopping).TotalSeconds:F1} s.");
            try
            {
                await storm.WaitForAdmissionsAsync(storm.Admissions + 10);
            }
            catch (TimeoutException)
            {
                output.WriteLine(cluster.RecentOutput());
                throw;
            }
        }

        await storm.DisposeAsync();
        Measurements.Report(output, $"Rolling restart: outcomes {storm.Outcomes}; most sessions held at once {storm.MaxHeld}, counted {storm.MaxSampled} (limit {Limit}).");
        Assert.Empty(storm.Violations);
        await AssertNoSessionLostAsync(siteId, key, storm);
    }

    [Fact]
    public async Task While_the_database_is_down_new_sessions_get_503_touches_keep_working_and_admissions_resume_by_themselves()
    {
        var (siteId, key) = await NewSiteAsync(Limit, LongIdle);
        using var app = ServerCluster.Http(key);

        // Five sessions of the test's own, which no storm client signs out.
        var held = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            using var opened = await app.PostAsJsonAsync(new Uri(cluster.LiveAddresses[i % cluster.LiveAddresses.Count], $"/api/sites/{siteId}/sessions"), new { userId = $"steady-{i}" });
            Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
            held.Add((await opened.ReadJsonAsync()).GetProperty("sessionId").GetString()!);
        }

        await using var storm = LoginStorm.Start(cluster, siteId, key, Limit, Clients);
        await storm.WaitForAdmissionsAsync(30);
        var touchedBefore = storm.OutcomeCount("200");

        using var operatorClient = await OperatorPages.SignedInClientAsync(cluster.LiveAddresses[0], ApiServer.AdminKey);
        var stoppedAt = TimeProvider.System.GetTimestamp();
        long restartingAt;
        await cluster.Database.StopAsync();
        try
        {
            // Down for a few seconds, and until the storm has met both sides of the outage: sign-ins refused, touches answered.
            await Eventually.WaitForAsync(
                () => Task.FromResult((
                    Refused: storm.OutcomeCount("503 storage_unavailable"),
                    Touched: storm.OutcomeCount("200") - touchedBefore,
                    Down: TimeProvider.System.GetElapsedTime(stoppedAt))),
                seen => seen.Refused >= 30 && seen.Touched >= 3 && seen.Down >= TimeSpan.FromSeconds(3),
                TimeSpan.FromSeconds(60));

            foreach (var sessionId in held)
            {
                using var touched = await app.PostAsync(Api($"/api/sites/{siteId}/sessions/{sessionId}/touch"), null);
                Assert.True(touched.StatusCode == HttpStatusCode.OK, $"Touching {sessionId} answered {(int)touched.StatusCode}: {await touched.Content.ReadAsStringAsync()}");
            }

            using var refused = await app.PostAsJsonAsync(Api($"/api/sites/{siteId}/sessions"), new { userId = "late-comer" });
            await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "storage_unavailable");
            Assert.NotNull(refused.Headers.RetryAfter);

            // An operator opening a site that has to be read from the database gets a page that says why, not JSON.
            using var sitePage = await operatorClient.GetAsync(new Uri(cluster.LiveAddresses[0], $"/admin/sites/{Sites.NewId()}"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, sitePage.StatusCode);
            Assert.Equal("text/html", sitePage.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(sitePage.Headers.RetryAfter);
            Assert.Contains("cannot reach its database", await sitePage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            restartingAt = TimeProvider.System.GetTimestamp();
            await cluster.Database.StartAgainAsync();
        }

        var startedAt = TimeProvider.System.GetTimestamp();

        // Fail-closed: nothing sent from a second after the stop until the database was back got in.
        Assert.False(storm.AnyAdmissionBetween(stoppedAt + TimeProvider.System.TimestampFrequency, restartingAt), "A session was admitted while the database was down.");
        var recovery = await storm.NextAdmissionAfterAsync(startedAt, TimeSpan.FromSeconds(30));
        await storm.WaitForAdmissionsAsync(storm.Admissions + 20);
        await storm.DisposeAsync();

        Measurements.Report(output, $"Database down for {TimeProvider.System.GetElapsedTime(stoppedAt, startedAt).TotalSeconds:F1} s; the site admitted a request sent {recovery.TotalSeconds:F1} s after it was back. Outcomes: {storm.Outcomes}.");
        Assert.Empty(storm.Violations);
        Assert.True(recovery <= TimeSpan.FromSeconds(15), $"Admissions resumed only {recovery.TotalSeconds:F1} s after the database was back.");
        await AssertNoSessionLostAsync(siteId, key, storm, alsoHeld: held);
    }

    /// <summary>
    /// Every session a client still holds is live and counted; every one it tried to close is either live or
    /// closed by that sign-out. Nothing ended by itself: the idle timeout is far away.
    /// </summary>
    private async Task AssertNoSessionLostAsync(string siteId, string key, LoginStorm storm, IReadOnlyCollection<string>? alsoHeld = null)
    {
        using var admin = ServerCluster.Http(key);
        var held = storm.Held.Concat(alsoHeld ?? []).ToList();
        foreach (var sessionId in held)
        {
            using var touched = await TouchUntilAnsweredAsync(admin, siteId, sessionId);
            Assert.True(touched.StatusCode == HttpStatusCode.OK, $"Held session {sessionId} answered {(int)touched.StatusCode}: {await touched.Content.ReadAsStringAsync()}");
        }

        foreach (var sessionId in storm.Closing)
        {
            using var touched = await TouchUntilAnsweredAsync(admin, siteId, sessionId);
            if (touched.StatusCode != HttpStatusCode.OK)
            {
                var problem = await touched.AssertProblemAsync(HttpStatusCode.Gone, "session_ended");
                Assert.Equal("logout", problem.GetProperty("reason").GetString());
            }
        }

        var active = await Eventually.WaitForAsync(() => ActiveAsync(admin, siteId), a => a is not null);
        Assert.InRange(active!.Value, held.Count, Limit);
    }

    private async Task<HttpResponseMessage> TouchUntilAnsweredAsync(HttpClient admin, string siteId, string sessionId)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var touched = await admin.PostAsync(Api($"/api/sites/{siteId}/sessions/{sessionId}/touch"), null);
            if (touched.StatusCode != HttpStatusCode.ServiceUnavailable || TimeProvider.System.GetElapsedTime(started) > TimeSpan.FromSeconds(20))
            {
                return touched;
            }

            touched.Dispose();
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    private async Task<int?> ActiveAsync(HttpClient admin, string siteId)
    {
        try
        {
            using var response = await admin.GetAsync(Api($"/api/sites/{siteId}"));
            return response.StatusCode == HttpStatusCode.OK ? (await response.ReadJsonAsync()).GetProperty("active").GetInt32() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>A path of the HTTP API on the first running server (any server would do).</summary>
    private Uri Api(string path) => new(cluster.LiveAddresses[0], path);

    /// <summary>A new site with these settings, and a key for it: storms act as the site's web app would.</summary>
    private Task<(string SiteId, string Key)> NewSiteAsync(int limit, TimeSpan idle) =>
        cluster.NewSiteAsync(new { limit, idleTimeoutSeconds = (int)idle.TotalSeconds });
}
