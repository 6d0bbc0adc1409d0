namespace SessionGrains.Testing;

public static class Sites
{
    public static string NewId() => $"site-{Guid.NewGuid():N}";

    public static OpenSessionRequest User(string userId, params string[] roles) => new()
    {
        UserId = userId,
        Roles = roles,
        ClientIp = "203.0.113.7",
        UserAgent = "Mozilla/5.0 (X11; Linux x86_64) Tests",
    };

    public static async Task<SessionAdmitted> AdmitAsync(this ISiteGrain site, OpenSessionRequest request) =>
        Assert.IsType<SessionAdmitted>(await site.OpenSessionAsync(request));

    public static async Task<SessionRefused> RefuseAsync(this ISiteGrain site, OpenSessionRequest request) =>
        Assert.IsType<SessionRefused>(await site.OpenSessionAsync(request));
}
