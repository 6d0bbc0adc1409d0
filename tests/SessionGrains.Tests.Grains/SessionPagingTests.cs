namespace SessionGrains.Tests.Grains;

/// <summary>A site's sessions come a page at a time, each live session on exactly one page.</summary>
public sealed class SessionPagingTests(SqliteSiloFixture fixture) : IClassFixture<SqliteSiloFixture>
{
    private TestSilo Silo => fixture.Silo;

    [Fact]
    public async Task Pages_cover_every_session_exactly_once_while_sessions_end_and_start_between_pages()
    {
        var site = Silo.Grains.GetSiteGrain(Sites.NewId());
        var opened = new List<SessionId>();
        for (var i = 0; i < 25; i++)
        {
            opened.Add((await site.AdmitAsync(Sites.User($"user-{i}"))).SessionId);

            // Some sessions share a start, so the order also needs the id.
            if (i % 3 == 0)
            {
                Silo.Clock.Advance(TimeSpan.FromSeconds(1));
            }
        }

        var seen = new List<SessionId>();
        var ended = new HashSet<SessionId>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await site.GetSessionsAsync(cursor, 10);
            Assert.InRange(page.Sessions.Count, 1, 10);
            seen.AddRange(page.Sessions.Select(s => s.SessionId));
            cursor = page.NextCursor;
            pages++;

            // Between pages: one session already listed ends, one not yet listed ends, and a newcomer arrives.
            var listed = page.Sessions[0].SessionId;
            var unlisted = opened.FirstOrDefault(id => !seen.Contains(id) && !ended.Contains(id));
            Assert.True(await site.KickAsync(listed));
            ended.Add(listed);
            if (unlisted != default)
            {
                Assert.True(await site.KickAsync(unlisted));
                ended.Add(unlisted);
            }

            await site.AdmitAsync(Sites.User($"late-{pages}"));
        }
        while (cursor is not null && pages < 20);

        Assert.Null(cursor);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.DoesNotContain(opened, id => !ended.Contains(id) && !seen.Contains(id));
    }

    [Fact]
    public async Task The_status_carries_the_first_page_and_a_cursor_to_the_rest()
    {
        var site = Silo.Grains.GetSiteGrain(Sites.NewId());
        for (var i = 0; i < SessionPage.DefaultSize + 5; i++)
        {
            await site.AdmitAsync(Sites.User($"user-{i}"));
        }

        var status = await site.GetStatusAsync();
        var rest = await site.GetSessionsAsync(status.NextCursor, SessionPage.MaxSize);

        Assert.Equal(SessionPage.DefaultSize, status.Sessions.Count);
        Assert.Equal(SessionPage.DefaultSize + 5, status.Summary.Active);
        Assert.Equal(5, rest.Sessions.Count);
        Assert.Null(rest.NextCursor);
        Assert.Empty(status.Sessions.Select(s => s.SessionId).Intersect(rest.Sessions.Select(s => s.SessionId)));
    }

    [Theory]
    [InlineData("not-a-cursor", 10, "cursor")]
    [InlineData("", 10, "cursor")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!", 10, "cursor")]
    [InlineData(null, 0, "limit")]
    [InlineData(null, SessionPage.MaxSize + 1, "limit")]
    public async Task A_bad_cursor_or_limit_is_refused(string? cursor, int limit, string field)
    {
        var site = Silo.Grains.GetSiteGrain(Sites.NewId());

        var refused = await Assert.ThrowsAsync<InvalidRequestException>(() => site.GetSessionsAsync(cursor, limit));

        Assert.Equal(field, Assert.Single(refused.Errors).Field);
    }
}
