namespace SessionGrains.Server.RateLimits;

/// <summary>The failure limits of the server: wrong API keys, and wrong admin keys at the admin UI's sign-in, counted apart.</summary>
public sealed class FailureLimits(RateLimitOptions options) : IDisposable
{
    public FailureLimiter ApiKeys { get; } = new(options.AuthFailuresPerMinute);

    public FailureLimiter SignIns { get; } = new(options.SignInFailuresPerMinute);

    public void Dispose()
    {
        ApiKeys.Dispose();
        SignIns.Dispose();
    }
}
