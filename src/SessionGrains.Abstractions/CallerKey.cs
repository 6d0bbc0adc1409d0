namespace SessionGrains;

/// <summary>
/// How an Orleans client names the key it acts with: the key (a site key <c>sgk_…</c>, or the admin key for operators'
/// own tools) rides along with its calls in the Orleans <c>RequestContext</c> under <see cref="RequestContextName"/>,
/// and the cluster checks it on every call that does not come from one of its own silos.
/// </summary>
public static class CallerKey
{
    public const string RequestContextName = "sessiongrains-key";

    /// <summary>
    /// Acts with <paramref name="key"/> for the rest of the calling async method and the calls it makes. Set at the
    /// top of an async method (or a request), it is gone when that method returns: the request context is async-local.
    /// </summary>
    public static void Use(string key) => RequestContext.Set(RequestContextName, key);
}
