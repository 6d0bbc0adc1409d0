namespace SessionGrains.Tests.Grains;

/// <summary>Invariant 6: bad input gets a typed error naming the field, and changes nothing.</summary>
public sealed class ValidationTests(SqliteSiloFixture fixture) : IClassFixture<SqliteSiloFixture>
{
    private TestSilo Silo => fixture.Silo;

    public static TheoryData<string, SiteSettingsUpdate> BadSettings => new()
    {
        { "limit", new SiteSettingsUpdate { Limit = -2 } },
        { "limit", new SiteSettingsUpdate { Limit = int.MinValue } },
        { "idleTimeout", new SiteSettingsUpdate { IdleTimeout = TimeSpan.Zero } },
        { "idleTimeout", new SiteSettingsUpdate { IdleTimeout = TimeSpan.FromSeconds(-5) } },
        { "idleTimeout", new SiteSettingsUpdate { IdleTimeout = TimeSpan.FromMilliseconds(999) } },
        { "onFull", new SiteSettingsUpdate { OnFull = (FullSitePolicy)7 } },
        { "perUserLimit", new SiteSettingsUpdate { PerUserLimit = 0 } },
        { "perUserLimit", new SiteSettingsUpdate { PerUserLimit = -3 } },
        { "exemptRoles", new SiteSettingsUpdate { ExemptRoles = [""] } },
        { "exemptRoles", new SiteSettingsUpdate { ExemptRoles = [new string('r', 65)] } },
        { "message", new SiteSettingsUpdate { Message = "" } },
        { "message", new SiteSettingsUpdate { Message = new string('m', 1001) } },
        { "maxSessions", new SiteSettingsUpdate { MaxSessions = 0 } },
        { "maxSessions", new SiteSettingsUpdate { MaxSessions = -1 } },
        { "maxSessions", new SiteSettingsUpdate { MaxSessions = RequestRules.MaxLimit + 1 } },
    };

    public static TheoryData<string, OpenSessionRequest> BadRequests => new()
    {
        { "userId", new OpenSessionRequest { UserId = "" } },
        { "userId", new OpenSessionRequest { UserId = new string('u', 257) } },
        { "userId", new OpenSessionRequest { UserId = "ann\nadmin" } },
        { "roles", new OpenSessionRequest { UserId = "ann", Roles = [""] } },
        { "roles", new OpenSessionRequest { UserId = "ann", Roles = [.. Enumerable.Range(0, 33).Select(i => $"r{i}")] } },
        { "userId", new OpenSessionRequest { UserId = "ann\u202Eadmin" } },
        { "roles", new OpenSessionRequest { UserId = "ann", Roles = ["ops\u200B"] } },
        { "clientIp", new OpenSessionRequest { UserId = "ann", ClientIp = "not-an-ip" } },
        { "clientIp", new OpenSessionRequest { UserId = "ann", ClientIp = "127.1" } },
        { "userAgent", new OpenSessionRequest { UserId = "ann", UserAgent = new string('a', 1025) } },
        { "userAgent", new OpenSessionRequest { UserId = "ann", UserAgent = "Mozilla/5.0\r\n" } },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Invalid_settings_are_refused_and_change_nothing(string field, SiteSettingsUpdate update)
    {
        var site = Silo.Grains.GetSiteGrain(Sites.NewId());
        var before = await site.UpdateSettingsAsync(new() { Limit = 5, IdleTimeout = TimeSpan.FromMinutes(5), ExemptRoles = ["ops"] });

        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => site.UpdateSettingsAsync(update));

        Assert.Contains(error.Errors, e => e.Field == field);
        var after = await site.GetSettingsAsync();
        Assert.Equal(before.Limit, after.Limit);
        Assert.Equal(before.IdleTimeout, after.IdleTimeout);
        Assert.Equal(before.ExemptRoles, after.ExemptRoles);
        Assert.Equal(before.Message, after.Message);
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Invalid_open_requests_are_refused_and_admit_nobody(string field, OpenSessionRequest request)
    {
        var site = Silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new() { Limit = 5 });

        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => site.OpenSessionAsync(request));

        Assert.Contains(error.Errors, e => e.Field == field);
        Assert.Empty((await site.GetStatusAsync()).Sessions);
    }

    [Theory]
    [InlineData("~tilde")]
    [InlineData("has space")]
    [InlineData("slash/inside")]
    [InlineData("ünïcode")]
    public async Task Invalid_site_ids_are_refused(string siteId)
    {
        var site = Silo.Grains.GetSiteGrain(siteId);

        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => site.OpenSessionAsync(Sites.User("ann")));
        await Assert.ThrowsAsync<InvalidRequestException>(() => site.UpdateSettingsAsync(new() { Limit = 1 }));

        Assert.Equal("siteId", Assert.Single(error.Errors).Field);
    }

    [Fact]
    public async Task Over_long_site_ids_are_refused()
    {
        var site = Silo.Grains.GetSiteGrain(new string('s', RequestRules.MaxSiteIdLength + 1));

        await Assert.ThrowsAsync<InvalidRequestException>(() => site.OpenSessionAsync(Sites.User("ann")));
    }

    [Fact]
    public void Session_ids_are_32_lowercase_hex_digits_and_unguessable()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => SessionId.New()).ToList();

        Assert.Equal(1000, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id.ToString()));
        Assert.All(ids, id => Assert.Equal(id, SessionId.Parse(id.ToString())));
        Assert.Throws<InvalidRequestException>(() => SessionId.Parse("ABCDEF0123456789ABCDEF0123456789"));
        Assert.Throws<InvalidRequestException>(() => SessionId.Parse("1234"));
        Assert.False(SessionId.TryParse(null, out _));
    }
}
