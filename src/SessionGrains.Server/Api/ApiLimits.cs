namespace SessionGrains.Server.Api;

public static class ApiLimits
{
    public const long MaxBodyBytes = 64 * 1024;
}
