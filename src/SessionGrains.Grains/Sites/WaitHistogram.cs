namespace SessionGrains.Grains.Sites;

/// <summary>
/// Waits in the line, counted in fixed buckets (each about 1.5 to 2 times the one before, up to 2 hours), so a day
/// stores 24 numbers whatever its tickets and months add their days' counts. A quantile is reported as the upper edge
/// of the bucket it falls in: never less than the true wait, at most one bucket more.
/// </summary>
internal static class WaitHistogram
{
    /// <summary>Upper edges in seconds; the last bucket takes every longer wait and reports its lower edge.</summary>
    private static readonly int[] Edges = [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 450, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200, int.MaxValue];

    public static int Buckets => Edges.Length;

    public static int[] Empty() => new int[Edges.Length];

    public static void Add(int[] histogram, TimeSpan wait)
    {
        var seconds = wait <= TimeSpan.Zero ? 0 : wait.TotalSeconds;
        var bucket = 0;
        while (bucket < Edges.Length - 1 && seconds > Edges[bucket])
        {
            bucket++;
        }

        histogram[bucket]++;
    }

    public static void Merge(int[] into, int[] other)
    {
        for (var i = 0; i < into.Length && i < other.Length; i++)
        {
            into[i] += other[i];
        }
    }

    /// <summary>The wait at quantile <paramref name="q"/> (0 to 1), or null for an empty histogram.</summary>
    public static TimeSpan? Quantile(int[] histogram, double q)
    {
        long total = 0;
        foreach (var count in histogram)
        {
            total += count;
        }

        if (total == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(q * total));
        long seen = 0;
        for (var i = 0; i < histogram.Length; i++)
        {
            seen += histogram[i];
            if (seen >= rank)
            {
                return TimeSpan.FromSeconds(i == Edges.Length - 1 ? Edges[i - 1] : Edges[i]);
            }
        }

        return null;
    }
}
