using Xunit.Abstractions;

namespace SessionGrains.Testing;

/// <summary>
/// Figures a test measured (recovery times, memory): written to the test's output, and appended to the file that
/// <c>SESSIONGRAINS_MEASUREMENTS</c> names, which tests/run.sh prints after the summary.
/// </summary>
public static class Measurements
{
    private static readonly Lock FileLock = new();

    public static void Report(ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        var file = Environment.GetEnvironmentVariable("SESSIONGRAINS_MEASUREMENTS");
        if (!string.IsNullOrEmpty(file))
        {
            lock (FileLock)
            {
                File.AppendAllLines(file, [line]);
            }
        }
    }
}
