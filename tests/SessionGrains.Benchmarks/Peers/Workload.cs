namespace SessionGrains.Benchmarks.Peers;

/// <summary>What every sign-in in the benchmarks carries: a user, an address and a browser's user agent, as real ones do.</summary>
public static class Workload
{
    public const string UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    public static string UserId(long n) => $"user-{n}";

    public static string ClientIp(long n) => $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}";

    public static OpenSessionRequest Request(long n) => new() { UserId = UserId(n), ClientIp = ClientIp(n), UserAgent = UserAgent };
}
