using System.Diagnostics;
using SessionGrains.Benchmarks.Harness;
using SessionGrains.Benchmarks.Peers;

namespace SessionGrains.Benchmarks.Scenarios;

/// <summary>
/// The waiting line's work: newcomers joining a full site's line until it holds a given number of tickets, and holders
/// asking again about tickets spread through a line of a given length.
/// </summary>
public sealed class LineOperations(Sizes sizes)
{
    private static int _round;
    private static long _users;

    /// <summary>
    /// Joins per second: a fresh full site's line filled with <paramref name="waiting"/> distinct users by
    /// <see cref="Sizes.Workers"/> workers, timed from the first join to the last; once to warm up, then once per run.
    /// </summary>
    public async Task<IReadOnlyList<double>> JoinsAsync(IWaitingLinePeer line, int waiting)
    {
        await FillAsync(line, waiting);
        var runs = new List<double>();
        for (var run = 0; run < sizes.Runs; run++)
        {
            var (_, _, elapsed) = await FillAsync(line, waiting);
            runs.Add(waiting / elapsed.TotalSeconds);
        }

        return runs;
    }

    /// <summary>
    /// Polls on a fresh line of <paramref name="waiting"/> and on one of <paramref name="fewer"/>, set up once and measured
    /// in turn, one run each, alternately first: drift in the machine's load and the runtime's warming up then weigh on
    /// both alike, which measuring one after the other would charge to whichever came first.
    /// </summary>
    public async Task<(IReadOnlyList<double> Long, IReadOnlyList<double> Short)> PollsSideBySideAsync(IWaitingLinePeer line, int waiting, int fewer)
    {
        var onLong = await PollsAsync(line, waiting);
        var onShort = await PollsAsync(line, fewer);
        await ClosedLoop.RunAsync(sizes.Workers, sizes.WarmUp, onLong);
        await ClosedLoop.RunAsync(sizes.Workers, sizes.WarmUp, onShort);
        var (longRuns, shortRuns) = (new List<double>(), new List<double>());
        for (var run = 0; run < sizes.Runs; run++)
        {
            var longFirst = run % 2 == 0;
            (longFirst ? longRuns : shortRuns).Add(await ClosedLoop.RunAsync(sizes.Workers, sizes.RunLength, longFirst ? onLong : onShort));
            (longFirst ? shortRuns : longRuns).Add(await ClosedLoop.RunAsync(sizes.Workers, sizes.RunLength, longFirst ? onShort : onLong));
        }

        return (longRuns, shortRuns);
    }

    /// <summary>Maximum throughput of polls set up once: a warm-up, then the runs.</summary>
    public async Task<IReadOnlyList<double>> MeasureAsync(Func<int, long, ValueTask> polls)
    {
        await ClosedLoop.RunAsync(sizes.Workers, sizes.WarmUp, polls);
        var runs = new List<double>();
        for (var run = 0; run < sizes.Runs; run++)
        {
            runs.Add(await ClosedLoop.RunAsync(sizes.Workers, sizes.RunLength, polls));
        }

        return runs;
    }

    /// <summary>
    /// Polls on a fresh line of <paramref name="waiting"/> tickets: each picks a ticket by a stride through the line, so
    /// head, middle and tail are asked about alike, and checks its position.
    /// </summary>
    public async Task<Func<int, long, ValueTask>> PollsAsync(IWaitingLinePeer line, int waiting)
    {
        var (site, tickets, _) = await FillAsync(line, waiting);
        return async (worker, n) =>
        {
            var position = await line.PollAsync(site, tickets[(int)(((worker * 7919L) + (n * 104729L)) % tickets.Length)]);
            if (position < 1 || position > waiting)
            {
                throw new InvalidOperationException($"{line.Name} answered position {position} in a line of {waiting}.");
            }
        };
    }

    private async Task<(string Site, string[] Tickets, TimeSpan Elapsed)> FillAsync(IWaitingLinePeer line, int waiting)
    {
        var site = $"line-{Interlocked.Increment(ref _round)}";
        await line.CreateSiteAsync(site);
        var tickets = new string[waiting];
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForAsync(0, waiting, new ParallelOptions { MaxDegreeOfParallelism = sizes.Workers }, async (i, _) =>
            tickets[i] = await line.JoinAsync(site, Workload.UserId(Interlocked.Increment(ref _users))));
        var elapsed = Stopwatch.GetElapsedTime(started);

        // Every join made its own ticket (a user who asked twice would hold one): the line holds them all.
        if (tickets.Distinct(StringComparer.Ordinal).Count() != waiting)
        {
            throw new InvalidOperationException($"{line.Name}: {waiting} joins did not make {waiting} tickets on {site}.");
        }

        return (site, tickets, elapsed);
    }
}
