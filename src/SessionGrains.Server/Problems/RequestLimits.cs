namespace SessionGrains.Server.Problems;

/// <summary>The largest request body the server reads (Kestrel's limit, for the API and the admin pages alike).</summary>
public static class RequestLimits
{
    public const long MaxBodyBytes = 64 * 1024;
}
