using SessionGrains.Testing;

namespace SessionGrains.Soak;

/// <summary>Causes the plan's faults at their moments: a random silo killed or stopped, or the database restarted.</summary>
public sealed class FaultInjector(ServerCluster cluster, SoakPlan plan, Journal journal, Action<string> log)
{
    private readonly Random _random = new(-2);

    public async Task RunAsync(CancellationToken stop)
    {
        foreach (var (at, kind) in plan.Faults)
        {
            await Pause.ForAsync(TimeSpan.FromSeconds(Math.Max(0, at.TotalSeconds - journal.Now)), stop);
            if (stop.IsCancellationRequested)
            {
                return;
            }

            var began = journal.Now;
            string target;
            if (kind == FaultKind.DatabaseRestarted)
            {
                target = "PostgreSQL";
                log($"{target}: stopping it");
                await cluster.Database.StopAsync();
                await Task.Delay(SoakPlan.Downtime, CancellationToken.None);
                await cluster.Database.StartAgainAsync();
            }
            else
            {
                var index = _random.Next(ServerCluster.Size);
                target = $"silo {index}";
                log($"{target}: {(kind == FaultKind.SiloKilled ? "SIGKILL" : "SIGTERM")}");
                await (kind == FaultKind.SiloKilled ? cluster.KillAsync(index) : cluster.StopAsync(index));
                await Task.Delay(SoakPlan.Downtime, CancellationToken.None);

                // Returns once the membership lists all three silos as active again.
                await cluster.StartAsync(index);
            }

            var back = journal.Now;
            journal.Faults.Add(new FaultRecord(kind, target, began, back));
            log($"{target}: back after {back - began:0.0} s");
        }
    }
}
