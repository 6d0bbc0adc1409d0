namespace SessionGrains.Grains.Sites;

/// <summary>Orders limits for the lowest and highest of a period: unlimited (-1) is above every number.</summary>
internal static class UsageLimits
{
    public static int Lower(int a, int b) => Rank(a) <= Rank(b) ? a : b;

    public static int Higher(int a, int b) => Rank(a) >= Rank(b) ? a : b;

    private static long Rank(int limit) => limit == SiteSettings.Unlimited ? long.MaxValue : limit;
}
