using System.Globalization;
using System.Text.RegularExpressions;
using SessionGrains.Testing;

namespace SessionGrains.Benchmarks.Harness;

/// <summary>
/// wrk, a C HTTP load generator (Debian's package), replaying a file of requests with <c>Wrk/replay.lua</c>: the
/// HTTP rows measure the server, not a .NET client in the same process competing for the same two cores.
/// </summary>
public static partial class Wrk
{
    public const string Binary = "/usr/bin/wrk";

    /// <summary>wrk's threads: one per core of the reference machine, as its manual advises.</summary>
    public const int Threads = 2;

    /// <param name="Requests">Answers received; those still in flight at the end are not counted.</param>
    /// <param name="NotSuccessful">Answers other than 2xx and 3xx.</param>
    /// <param name="SocketErrors">Connections that failed, were reset or timed out.</param>
    public sealed record Result(double PerSecond, long Requests, long NotSuccessful, long SocketErrors, double P50Milliseconds, double P99Milliseconds);

    /// <summary>Runs wrk against <paramref name="server"/> with the requests of <paramref name="requestsFile"/> (see <c>Wrk/replay.lua</c>).</summary>
    /// <param name="signOut">Each admitted session is signed out by the next request (<c>Wrk/replay-signout.lua</c>).</param>
    /// <param name="pause">How long each connection waits after an answer before its next request (on average): a load below the maximum.</param>
    public static async Task<Result> RunAsync(Uri server, string requestsFile, int connections, TimeSpan duration, bool signOut = false, TimeSpan? pause = null)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"wrk is not installed ({Binary} is missing): tests/benchmarks.sh installs Debian's wrk package.");
        }

        var script = Path.Combine(AppContext.BaseDirectory, "Wrk", signOut ? "replay-signout.lua" : "replay.lua");
        var output = await Processes.RunAsync(Binary,
        [
            "--threads", Threads.ToString(CultureInfo.InvariantCulture),
            "--connections", connections.ToString(CultureInfo.InvariantCulture),
            "--duration", $"{Math.Max(1, (int)duration.TotalSeconds)}s",
            "--timeout", "10s",
            "--latency",
            "--script", script,
            server.ToString().TrimEnd('/'),
            "--",
            requestsFile,
            .. pause is { } wait ? [wait.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)] : Array.Empty<string>(),
        ]);
        return Parse(output);
    }

    /// <summary>Reads wrk's report (<c>--latency</c>): requests, their rate, failures and the latency distribution.</summary>
    public static Result Parse(string output)
    {
        var rate = RateLine().Match(output);
        var total = TotalLine().Match(output);
        if (!rate.Success || !total.Success)
        {
            throw new InvalidOperationException($"wrk's report has no request rate:{Environment.NewLine}{output}");
        }

        var notSuccessful = NonSuccessLine().Match(output) is { Success: true } non ? long.Parse(non.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var socketErrors = SocketErrorsLine().Match(output) is { Success: true } errors
            ? errors.Groups.Values.Skip(1).Sum(group => long.Parse(group.Value, CultureInfo.InvariantCulture))
            : 0;
        return new Result(
            double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture),
            long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture),
            notSuccessful,
            socketErrors,
            Percentile(output, "50%"),
            Percentile(output, "99%"));
    }

    private static double Percentile(string output, string percentile)
    {
        var match = Regex.Match(output, $@"^\s+{Regex.Escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline, TimeSpan.FromSeconds(1));
        if (!match.Success)
        {
            throw new InvalidOperationException($"wrk's report has no {percentile} latency:{Environment.NewLine}{output}");
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "us" => value / 1000,
            "s" => value * 1000,
            _ => value,
        };
    }

    [GeneratedRegex(@"^Requests/sec:\s+([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex RateLine();

    [GeneratedRegex(@"^\s+(\d+) requests in ", RegexOptions.Multiline)]
    private static partial Regex TotalLine();

    [GeneratedRegex(@"^\s+Non-2xx or 3xx responses: (\d+)", RegexOptions.Multiline)]
    private static partial Regex NonSuccessLine();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrorsLine();
}
