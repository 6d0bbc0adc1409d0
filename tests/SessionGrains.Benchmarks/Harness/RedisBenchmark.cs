using System.Globalization;
using SessionGrains.Testing;

namespace SessionGrains.Benchmarks.Harness;

/// <summary>
/// redis-benchmark (Debian's redis-tools, which redis-server depends on): Redis driven by its own C load generator,
/// with as many connections and threads as wrk drives the server with, so the HTTP rows compare like with like.
/// </summary>
public static class RedisBenchmark
{
    public const string Binary = "/usr/bin/redis-benchmark";

    public sealed record Result(double PerSecond, double P50Milliseconds, double P99Milliseconds);

    /// <summary>Sends <paramref name="requests"/> copies of <paramref name="command"/> (<c>__rand_int__</c> replaced by a number below <paramref name="keySpace"/>).</summary>
    public static async Task<Result> RunAsync(int port, int connections, long requests, long keySpace, IReadOnlyList<string> command)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"redis-benchmark is missing ({Binary}): it comes with Debian's redis-tools.");
        }

        var output = await Processes.RunAsync(Binary,
        [
            "-h", "127.0.0.1",
            "-p", port.ToString(CultureInfo.InvariantCulture),
            "-c", connections.ToString(CultureInfo.InvariantCulture),
            "--threads", Wrk.Threads.ToString(CultureInfo.InvariantCulture),
            "-n", requests.ToString(CultureInfo.InvariantCulture),
            "-r", keySpace.ToString(CultureInfo.InvariantCulture),
            "--csv",
            .. command,
        ]);
        return Parse(output);
    }

    /// <summary>
    /// Reads the CSV report: a header, then one line per test,
    /// <c>"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"</c>.
    /// </summary>
    public static Result Parse(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = Array.FindIndex(lines, line => line.StartsWith("\"test\"", StringComparison.Ordinal));
        if (header < 0 || header + 1 >= lines.Length)
        {
            throw new InvalidOperationException($"redis-benchmark's report has no figures:{Environment.NewLine}{output}");
        }

        var names = Fields(lines[header]);
        var values = Fields(lines[header + 1]);
        double Field(string name) => double.Parse(values[Array.IndexOf(names, name)], CultureInfo.InvariantCulture);
        return new Result(Field("rps"), Field("p50_latency_ms"), Field("p99_latency_ms"));
    }

    private static string[] Fields(string line) => [.. line.Split(',').Select(field => field.Trim('"'))];
}
