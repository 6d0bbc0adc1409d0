using System.Globalization;
using System.Net;
using SessionGrains.Testing;

namespace SessionGrains.Soak;

/// <summary>
/// Reads every site's count and limit once a second through the API (as the dashboard does; <see cref="Checks"/>
/// holds them against the limits afterwards), and each server's memory and CPU time from /proc every few seconds.
/// </summary>
public sealed class Samplers(ServerCluster cluster, HttpClient admin, Gateway gateway, Journal journal, IReadOnlyList<SoakSite> sites)
{
    private readonly Dictionary<int, (int Pid, double At, double CpuSeconds)> _lastCpu = [];

    public async Task CountsAsync(CancellationToken stop)
    {
        var ours = sites.Select(s => s.SiteId).ToHashSet(StringComparer.Ordinal);
        while (!stop.IsCancellationRequested)
        {
            var reply = await gateway.SendAsync(admin, "sites", server => new HttpRequestMessage(HttpMethod.Get, new Uri(server, "/api/sites")), stop);
            if (reply is { Status: HttpStatusCode.OK })
            {
                foreach (var site in reply.Body.EnumerateArray())
                {
                    var siteId = site.GetProperty("siteId").GetString()!;
                    if (ours.Contains(siteId))
                    {
                        journal.Counts.Add(new CountSample(reply.Sent, reply.Answered, siteId, site.GetProperty("active").GetInt32(), site.GetProperty("limit").GetInt32()));
                    }
                }
            }

            await Pause.ForAsync(TimeSpan.FromSeconds(1), stop);
        }
    }

    public async Task ProcessesAsync(TimeSpan every, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            foreach (var (server, pid) in cluster.LiveProcessIds)
            {
                if (Read(pid) is not { } now)
                {
                    continue;
                }

                var at = journal.Now;
                if (_lastCpu.TryGetValue(server, out var last) && last.Pid == pid)
                {
                    var cpu = (now.CpuSeconds - last.CpuSeconds) / (at - last.At) * 100;
                    journal.Processes.Add(new ProcessSample(at, server, now.ResidentMegabytes, cpu));
                }

                _lastCpu[server] = (pid, at, now.CpuSeconds);
            }

            await Pause.ForAsync(every, stop);
        }
    }

    /// <summary>Resident memory (VmRSS) and user plus system CPU time of a process; null once it is gone.</summary>
    private static (double ResidentMegabytes, double CpuSeconds)? Read(int pid)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            var rss = status.First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];

            // Fields after the command name (which may hold spaces, hence from the last ')'): utime and stime are the 12th and 13th.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return (long.Parse(rss, CultureInfo.InvariantCulture) / 1024.0, ticks / (double)ClockTicksPerSecond);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>USER_HZ, which Linux keeps at 100 on every architecture .NET runs on.</summary>
    private const int ClockTicksPerSecond = 100;
}
