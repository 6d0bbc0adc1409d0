namespace SessionGrains.Testing;

public static class ClientKeys
{
    /// <summary>
    /// A test's own Orleans client acts with <paramref name="key"/> (the admin key to look inside the cluster, or a site
    /// key) on every call. A filter is simplest for tests; the library sets its key once per HTTP request instead
    /// (<c>SiteKeyPerRequest</c>), which spares every grain call the filter pipeline.
    /// </summary>
    public static IClientBuilder ActWithKey(this IClientBuilder client, string key) =>
        client.AddOutgoingGrainCallFilter(async call =>
        {
            CallerKey.Use(key);
            await call.Invoke();
        });
}
