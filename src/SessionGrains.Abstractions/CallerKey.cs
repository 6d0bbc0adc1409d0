namespace SessionGrains;

/// <summary>
/// How an Orleans client names the key it acts with: the key (a site key <c>sgk_…</c>, or the admin key for operators'
/// own tools) rides along with every call in the Orleans <c>RequestContext</c> under <see cref="RequestContextName"/>,
/// and the cluster checks it on every call that does not come from one of its own silos.
/// </summary>
public static class CallerKey
{
    public const string RequestContextName = "sessiongrains-key";
}
