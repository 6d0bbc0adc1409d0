namespace SessionGrains.Benchmarks.Harness;

public static class Percentiles
{
    /// <summary>The value below which <paramref name="quantile"/> of <paramref name="sorted"/> lie (nearest rank); NaN for none.</summary>
    public static double Of(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}
