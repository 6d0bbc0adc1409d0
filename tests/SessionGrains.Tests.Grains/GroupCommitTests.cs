using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// Sign-ins that arrive together share writes (group commit) and calls (<see cref="SiteAdmissions"/>), and each is
/// still acknowledged only once it is stored, decided exactly as it would have been on its own.
/// </summary>
public abstract class GroupCommitTests(StorageKind kind) : IAsyncLifetime
{
    private readonly GrainCallCounter _calls = new();
    private readonly SignInGate _gate = new();
    private TestSilo _silo = null!;

    public async Task InitializeAsync() =>
        _silo = await TestSilo.StartWithCallFiltersAsync(kind, _calls, _gate);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Concurrent_admissions_share_writes_and_every_acknowledged_one_survives_a_crash()
    {
        const int SignIns = 300;
        var siteId = Sites.NewId();
        var site = _silo.Grains.GetSiteGrain(siteId);
        await site.UpdateSettingsAsync(new() { Limit = SignIns });
        var writesBefore = await StorageProbe.SiteVersionAsync(_silo.Storage, siteId);
        _gate.Hold(siteId, opensAfter: SignIns);

        var results = await Task.WhenAll(Enumerable.Range(0, SignIns)
            .Select(i => Task.Run(() => site.OpenSessionAsync(Sites.User($"user-{i}")))));

        var admitted = results.Cast<SessionAdmitted>().ToList();
        Assert.Equal(Enumerable.Range(1, SignIns), admitted.Select(a => a.Active).Order());
        var writes = await StorageProbe.SiteVersionAsync(_silo.Storage, siteId) - writesBefore;
        Assert.InRange(writes, 1, SignIns / 10);

        // Nothing gets to save on the way down: what the new silo finds is what was written before each answer.
        await _silo.CrashAndRestartAsync();
        var stored = await _silo.Grains.GetSiteGrain(siteId).GetSessionsAsync(cursor: null, SessionPage.MaxSize);
        Assert.Null(stored.NextCursor);
        Assert.Equal(admitted.Select(a => a.SessionId).ToHashSet(), stored.Sessions.Select(s => s.SessionId).ToHashSet());
    }

    [Fact]
    public async Task A_batch_of_sign_ins_is_decided_in_order_as_single_calls_would_be()
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new() { Limit = 2, PerUserLimit = 1 });

        var answers = await site.OpenSessionsAsync([Sites.User("ann"), Sites.User("ann"), Sites.User("bob"), Sites.User("cat")]);

        Assert.Equal(1, Assert.IsType<SessionAdmitted>(answers[0]).Active);
        Assert.Equal(RefusalReason.UserLimit, Assert.IsType<SessionRefused>(answers[1]).Reason);
        Assert.Equal(2, Assert.IsType<SessionAdmitted>(answers[2]).Active);
        Assert.Equal(RefusalReason.SiteFull, Assert.IsType<SessionRefused>(answers[3]).Reason);
        Assert.Equal(2, (await site.GetStatusAsync()).Summary.Active);
    }

    [Fact]
    public async Task A_batch_with_an_invalid_sign_in_is_refused_whole_and_changes_nothing()
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());

        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => site.OpenSessionsAsync([Sites.User("ann"), Sites.User("")]));

        Assert.Equal("userId", Assert.Single(error.Errors).Field);
        Assert.Equal(0, (await site.GetStatusAsync()).Summary.Active);
    }

    [Fact]
    public async Task Sign_ins_through_SiteAdmissions_go_together_and_each_gets_its_own_answer()
    {
        const int SignIns = 400;
        const int Limit = 150;
        var siteId = Sites.NewId();
        await _silo.Grains.GetSiteGrain(siteId).UpdateSettingsAsync(new() { Limit = Limit });
        var admissions = new SiteAdmissions(_silo.Grains);
        var callsBefore = _calls.Count(nameof(ISiteGrain.OpenSessionAsync)) + _calls.Count(nameof(ISiteGrain.OpenSessionsAsync));
        _gate.Hold(siteId);

        var pending = Enumerable.Range(0, SignIns).Select(i => admissions.OpenSessionAsync(siteId, Sites.User($"user-{i}"))).ToList();
        _gate.Release(siteId);
        var results = await Task.WhenAll(pending);

        var admitted = results.OfType<SessionAdmitted>().ToList();
        Assert.Equal(Enumerable.Range(1, Limit), admitted.Select(a => a.Active).Order());
        Assert.Equal(SignIns - Limit, results.OfType<SessionRefused>().Count(r => r.Reason == RefusalReason.SiteFull));
        var calls = _calls.Count(nameof(ISiteGrain.OpenSessionAsync)) + _calls.Count(nameof(ISiteGrain.OpenSessionsAsync)) - callsBefore;
        Assert.InRange(calls, 1, SignIns / 10);
        Assert.True(_calls.Count(nameof(ISiteGrain.OpenSessionsAsync)) > 0);
    }

    [Fact]
    public async Task An_invalid_sign_in_through_SiteAdmissions_fails_on_its_own()
    {
        var siteId = Sites.NewId();
        var admissions = new SiteAdmissions(_silo.Grains);

        var good = Enumerable.Range(0, 20).Select(i => admissions.OpenSessionAsync(siteId, Sites.User($"user-{i}"))).ToList();
        await Assert.ThrowsAsync<InvalidRequestException>(() => admissions.OpenSessionAsync(siteId, Sites.User(new string('x', RequestRules.MaxUserIdLength + 1))));
        await Assert.ThrowsAsync<InvalidRequestException>(() => admissions.OpenSessionAsync("no spaces allowed", Sites.User("ann")));

        Assert.All(await Task.WhenAll(good), result => Assert.IsType<SessionAdmitted>(result));
        Assert.Equal(20, (await _silo.Grains.GetSiteGrain(siteId).GetStatusAsync()).Summary.Active);
    }
}

public sealed class GroupCommitTestsOnSqlite() : GroupCommitTests(StorageKind.Sqlite);

public sealed class GroupCommitTestsOnPostgreSql() : GroupCommitTests(StorageKind.PostgreSql);
