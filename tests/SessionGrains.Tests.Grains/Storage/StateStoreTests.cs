using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Sites;
using SessionGrains.Grains.Sites.Storage;
using SessionGrains.Persistence;
using SessionGrains.Persistence.State;

namespace SessionGrains.Tests.Grains.Storage;

/// <summary>The state store on a real database: writes carry changes only, conflicts change nothing (their end records included), ends expire.</summary>
public abstract class StateStoreTests(StorageKind kind) : IAsyncLifetime, IDisposable
{
    /// <summary>Ended sessions kept per site here: small, so churn past it is quick; a prune follows every 2 ends of a site.</summary>
    private const int Kept = 20;

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly Dictionary<string, long> _versions = [];
    private StorageTarget _storage = null!;
    private StateStore _store = null!;

    public async Task InitializeAsync()
    {
        _storage = await TestStorage.CreateAsync(kind);
        await new SchemaInstaller(_storage, NullLogger<SchemaInstaller>.Instance).InstallAsync(CancellationToken.None);
        var format = TestRecordFormat.Create();
        IStateDatabase database = kind == StorageKind.PostgreSql
            ? new PostgreSqlStateDatabase(PostgreSqlStateDatabase.CreateDataSource(_storage.ConnectionString), "tests", format)
            : new SqliteStateDatabase(_storage.ConnectionString, "tests", format);
        _store = new StateStore(database, _clock, NullLogger<StateStore>.Instance, Kept);
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        TestStorage.Delete(_storage);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _store.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_site_reads_back_as_written_change_by_change()
    {
        var (ann, bob, cat) = (Session("ann"), Session("bob"), Session("cat"));
        await _store.WriteAsync(new SiteWrite("s1", 0, new SiteHeader { Settings = new SiteSettings { Limit = 7 }, Listed = true }, [ann, bob], []));
        await _store.WriteAsync(new SiteWrite("s1", 1, null, [cat, bob with { LastActivityAt = bob.LastActivityAt.AddMinutes(3) }], [ann.SessionId]));

        var stored = await _store.ReadAsync("s1");

        Assert.NotNull(stored);
        Assert.Equal(2, stored.Version);
        Assert.Equal(7, stored.Header.Settings!.Limit);
        Assert.True(stored.Header.Listed);
        Assert.Equal(["bob", "cat"], stored.Sessions.Select(s => s.UserId).Order());
        Assert.Equal(bob.LastActivityAt.AddMinutes(3), stored.Sessions.Single(s => s.UserId == "bob").LastActivityAt);
        Assert.Null(await _store.ReadAsync("never-written"));
    }

    [Fact]
    public async Task A_write_from_a_stale_version_changes_nothing_while_others_in_its_transaction_commit()
    {
        await _store.WriteAsync(new SiteWrite("a", 0, new SiteHeader(), [Session("ann")], []));
        var staleEnd = End("a", _clock.GetUtcNow());

        // No commit can finish while the lock is held, so the stale write shares its transaction with at least
        // one good write: with both others, or with "c" if that one's commit started alone, or with "b" after it.
        Task good, stale, other;
        await using (await DatabaseWriteLock.HoldAsync(_storage))
        {
            good = _store.WriteAsync(new SiteWrite("c", 0, new SiteHeader(), [Session("cat")], []));
            stale = _store.WriteAsync(new SiteWrite("a", 0, new SiteHeader(), [Session("eve")], []) { Ends = [staleEnd] });
            other = _store.WriteAsync(new SiteWrite("b", 0, new SiteHeader(), [Session("bob")], []));
        }

        // One site's conflict must not undo the others' writes.
        await Assert.ThrowsAsync<SiteWriteConflictException>(() => stale);
        await Task.WhenAll(good, other);
        Assert.Equal(["ann"], (await _store.ReadAsync("a"))!.Sessions.Select(s => s.UserId));
        Assert.Equal(["bob"], (await _store.ReadAsync("b"))!.Sessions.Select(s => s.UserId));
        Assert.Equal(["cat"], (await _store.ReadAsync("c"))!.Sessions.Select(s => s.UserId));
        Assert.Null(await _store.FindAsync("a", staleEnd.SessionId));
        await Assert.ThrowsAsync<SiteWriteConflictException>(() => _store.WriteAsync(new SiteWrite("a", 5, null, [Session("eve")], []) { Ends = [staleEnd] }));
        Assert.Equal(1, (await _store.ReadAsync("a"))!.Version);
        Assert.Null(await _store.FindAsync("a", staleEnd.SessionId));
    }

    [Fact]
    public async Task A_waiting_line_reads_back_as_written_and_a_stale_write_leaves_it_alone()
    {
        var (ann, bob, cat) = (Ticket("ann", 1), Ticket("bob", 2), Ticket("cat", 3));
        await _store.WriteAsync(new SiteWrite("line", 0, new SiteHeader(), [], []) { TicketUpserts = [ann, bob] });
        var held = bob with { SeatHeldUntil = _clock.GetUtcNow().AddMinutes(1) };
        await _store.WriteAsync(new SiteWrite("line", 1, null, [], []) { TicketUpserts = [cat, held], TicketRemovals = [ann.Id] });

        var stored = await _store.ReadAsync("line");

        Assert.Equal(2, stored!.Version);
        Assert.Equal([("bob", 2L), ("cat", 3L)], stored.Tickets.Select(t => (t.Request.UserId, t.Sequence)).Order());
        Assert.Equal(held.SeatHeldUntil, stored.Tickets.Single(t => t.Id == bob.Id).SeatHeldUntil);
        Assert.Equal(cat.Request, stored.Tickets.Single(t => t.Id == cat.Id).Request);

        await Assert.ThrowsAsync<SiteWriteConflictException>(() =>
            _store.WriteAsync(new SiteWrite("line", 1, null, [], []) { TicketUpserts = [Ticket("eve", 4)], TicketRemovals = [bob.Id] }));
        Assert.Equal(["bob", "cat"], (await _store.ReadAsync("line"))!.Tickets.Select(t => t.Request.UserId).Order());
    }

    [Fact]
    public async Task A_sessions_end_is_recorded_in_the_write_that_removes_its_row()
    {
        var ann = Session("ann");
        await _store.WriteAsync(new SiteWrite("s1", 0, new SiteHeader(), [ann], []));
        var end = new SessionEnd("s1", ann.SessionId, SessionEndReason.Logout, _clock.GetUtcNow());

        await _store.WriteAsync(new SiteWrite("s1", 1, null, [], [ann.SessionId]) { Ends = [end] });

        Assert.Empty((await _store.ReadAsync("s1"))!.Sessions);
        Assert.Equal(end, await _store.FindAsync("s1", ann.SessionId));
    }

    [Fact]
    public async Task Session_ends_are_found_by_site_and_id_and_dropped_after_the_retention()
    {
        var first = new SessionEnd("s1", SessionId.New(), SessionEndReason.Kicked, _clock.GetUtcNow());
        await RecordAsync(first);

        Assert.Equal(first, await _store.FindAsync("s1", first.SessionId));
        Assert.Null(await _store.FindAsync("s2", first.SessionId));

        // Pruning rides on a later commit, once the end is older than the retention.
        _clock.Advance(ISessionEndLog.Retention + TimeSpan.FromMinutes(1));
        var later = new SessionEnd("s1", SessionId.New(), SessionEndReason.Idle, _clock.GetUtcNow());
        await RecordAsync(later);

        Assert.Null(await _store.FindAsync("s1", first.SessionId));
        Assert.Equal(later, await _store.FindAsync("s1", later.SessionId));
    }

    [Fact]
    public async Task Churn_past_the_allowance_keeps_each_sites_newest_ends_and_leaves_other_sites_alone()
    {
        // The quiet site's ends are the oldest of all: only a prune by site leaves them.
        var start = _clock.GetUtcNow();
        var quiet = Enumerable.Range(0, 5).Select(i => End("quiet", start.AddSeconds(i))).ToList();
        foreach (var end in quiet)
        {
            await RecordAsync(end);
        }

        // Ends reach the store out of time order (sessions end on several silos): the newest are kept, not the last recorded.
        var busy = Enumerable.Range(0, 3 * Kept).Select(i => End("busy", start.AddMinutes(1).AddSeconds(i))).ToList();
        foreach (var end in busy.OrderBy(_ => Random.Shared.Next()))
        {
            await RecordAsync(end);
        }

        Assert.Equal(busy.TakeLast(Kept), await FoundAsync(busy));
        Assert.Equal(quiet, await FoundAsync(quiet));
    }

    [Fact]
    public async Task Between_prunes_a_site_holds_less_than_a_tenth_over_its_allowance_however_its_ends_are_batched()
    {
        var start = _clock.GetUtcNow();
        var ends = Enumerable.Range(0, 10 * Kept).Select(i => End("busy", start.AddSeconds(i))).ToList();

        // Writes carry one end or many at once: a prune follows the recording of each write that fills the site.
        foreach (var batch in ends.Chunk(Kept / 2 + 3))
        {
            await RecordAsync(batch);
        }

        var kept = await FoundAsync(ends);

        Assert.InRange(kept.Count, Kept, Kept + (Kept / 10) - 1);
        Assert.Equal(ends.TakeLast(kept.Count), kept);
    }

    [Fact]
    public async Task Sessions_that_ended_at_the_same_moment_are_kept_to_the_allowance_exactly()
    {
        var at = _clock.GetUtcNow();
        var ends = Enumerable.Range(0, Kept + 4).Select(_ => End("tied", at)).ToList();
        foreach (var end in ends)
        {
            await RecordAsync(end);
        }

        Assert.Equal(Kept, (await FoundAsync(ends)).Count);
    }

    /// <summary>Records <paramref name="ends"/> of one site as a site's write does: with the write that removes their sessions.</summary>
    private async Task RecordAsync(params SessionEnd[] ends)
    {
        var siteId = ends[0].SiteId;
        var version = _versions.GetValueOrDefault(siteId);
        await _store.WriteAsync(new SiteWrite(siteId, version, version == 0 ? new SiteHeader() : null, [], [.. ends.Select(end => end.SessionId)]) { Ends = ends });
        _versions[siteId] = version + 1;
    }

    private static SessionEnd End(string siteId, DateTimeOffset endedAt) => new(siteId, SessionId.New(), SessionEndReason.Logout, endedAt);

    /// <summary>Those of <paramref name="ends"/> the store still finds, in their order.</summary>
    private async Task<List<SessionEnd>> FoundAsync(IEnumerable<SessionEnd> ends)
    {
        var found = new List<SessionEnd>();
        foreach (var end in ends)
        {
            if (await _store.FindAsync(end.SiteId, end.SessionId) is { } stored)
            {
                Assert.Equal(end, stored);
                found.Add(end);
            }
        }

        return found;
    }

    private WaitingTicket Ticket(string userId, long sequence) => new()
    {
        Id = SessionId.New(),
        Request = Sites.User(userId),
        Sequence = sequence,
        JoinedAt = _clock.GetUtcNow(),
        LastPolledAt = _clock.GetUtcNow(),
    };

    private LiveSession Session(string userId) => new()
    {
        SessionId = SessionId.New(),
        UserId = userId,
        Roles = [],
        StartedAt = _clock.GetUtcNow(),
        Exempt = false,
        LastActivityAt = _clock.GetUtcNow(),
        ExpiresAt = _clock.GetUtcNow().AddMinutes(30),
    };
}

public sealed class StateStoreTestsOnSqlite() : StateStoreTests(StorageKind.Sqlite);

public sealed class StateStoreTestsOnPostgreSql() : StateStoreTests(StorageKind.PostgreSql);
