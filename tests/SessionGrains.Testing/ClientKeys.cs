namespace SessionGrains.Testing;

public static class ClientKeys
{
    /// <summary>
    /// A test's own Orleans client acts with <paramref name="key"/> (the admin key to look inside the cluster, or a site
    /// key), sent with every call as the library sends its site key.
    /// </summary>
    public static IClientBuilder ActWithKey(this IClientBuilder client, string key) =>
        client.AddOutgoingGrainCallFilter(async call =>
        {
            CallerKey.Use(key);
            await call.Invoke();
        });
}
