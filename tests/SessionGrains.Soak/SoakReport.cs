using System.Globalization;
using System.Text;

namespace SessionGrains.Soak;

/// <summary>The soak's report (docs/soak.md for the committed run): what ran, what broke, what was checked, how it recovered.</summary>
public static class SoakReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(
        SoakPlan plan, Journal journal, IReadOnlyList<SoakSite> sites, IReadOnlyList<Recovery> recoveries,
        IReadOnlyList<(string Rule, string Checked)> checks, DateTimeOffset startedAt, string postgres, string chartPath)
    {
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');
        var violations = journal.Violations;

        Line("# Soak");
        Line();
        Line(string.Create(Invariant, $"Run by `./tests/soak.sh {plan.Length.TotalMinutes:0}` on {startedAt:yyyy-MM-dd HH:mm} UTC: three servers (silo and HTTP API each, as real processes) in cluster mode on PostgreSQL {postgres}, all on one machine with {Environment.ProcessorCount} cores, for {plan.Length.TotalMinutes:0} minutes, with {plan.Visitors} simulated visitors and one operator sending HTTP requests to random servers. Each server was killed or stopped in turn and the database was restarted twice while they worked."));
        Line();
        Line(violations.Count == 0
            ? "**Result: every rule held.**"
            : string.Create(Invariant, $"**Result: {violations.Count} broken rules** (listed at the end)."));
        Line();

        Line("## Sites");
        Line();
        Line("| site | limit | idle timeout | when full | sign-in guard |");
        Line("|---|---:|---:|---|---|");
        foreach (var site in sites)
        {
            Line(string.Create(Invariant, $"| {site.Name} | {site.Limit} | {site.IdleTimeoutSeconds} s | {site.OnFull} | {(site.Guarded ? "asked" : "")} |"));
        }

        Line();
        Line("Together the limits give fewer seats than there are visitors, so most sites are full most of the time. A visitor");
        Line("picks a site (weighed by its limit, plus five), asks its guard (guarded sites; one visit in ten is a wrong password from three shared addresses,");
        Line("which the guard ends up blocking), signs in (waiting in line where the site queues, leaving after 10 to 90 s), then");
        Line("touches at random intervals of 1 s to 0.3 idle timeouts, and finally signs out (half of the sessions), walks away");
        Line("(three in ten: the session must end by its lease bound), or works on until the end (one in five). The operator");
        Line("kicks a session or changes a denying site's limit (up or down) and message every 3 to 12 s.");
        Line();

        Line("## Operations");
        Line();
        Line("| request | answer | count |");
        Line("|---|---|---:|");
        foreach (var ((request, answer), count) in journal.Answers.OrderBy(a => a.Key.Request, StringComparer.Ordinal).ThenBy(a => a.Key.Answer, StringComparer.Ordinal))
        {
            Line(string.Create(Invariant, $"| {request} | {answer} | {count:N0} |"));
        }

        Line();
        Line(string.Create(Invariant, $"Sessions admitted: {journal.Sessions.Count:N0}; how the visitors saw them end: {Ends(journal)}."));
        Line("\"unreachable\" is a server that refused or cut the connection (killed, or stopping): the request went to another");
        Line("server, as a load balancer would send it. 503 answers were sent again too, as the API asks.");
        Line();

        Line("## Faults and recovery");
        Line();
        Line("| at | fault | back after | answered again | bound | 503 answers to sign-ins around it |");
        Line("|---:|---|---:|---:|---:|---:|");
        foreach (var recovery in recoveries)
        {
            var fault = recovery.Fault;
            var what = fault.Kind switch
            {
                FaultKind.SiloKilled => $"{fault.Target} killed (SIGKILL)",
                FaultKind.SiloStopped => $"{fault.Target} stopped (SIGTERM)",
                _ => "PostgreSQL stopped at once (`pg_ctl -m immediate`)",
            };
            var answered = recovery.Answered is { } seconds ? string.Create(Invariant, $"{seconds:0.0} s") : "never";
            var measure = fault.Kind == FaultKind.DatabaseRestarted ? "first admission after it was back: " : "every site, after the fault: ";
            Line(string.Create(Invariant, $"| {TimeSpan.FromSeconds(Math.Round(fault.Began)):m\\:ss} | {what} | {fault.Back - fault.Began:0.0} s | {measure}{answered} | {recovery.Bound:0} s | {recovery.Unavailable:N0} |"));
        }

        Line();
        Line(string.Create(Invariant, $"\"back after\": the silo started again and listed as active by the membership, or the database accepting connections, after {SoakPlan.Downtime.TotalSeconds:0} s down."));
        Line("A killed silo's sites answer again once Orleans declares it dead (about 6 s), on the other silos, long before it is");
        Line("back; a stopped silo hands its sites over as it leaves. While the database is down, sign-ins that need a write are");
        Line("answered 503 `storage_unavailable` and touches are answered from memory.");
        if (recoveries.Count > 0)
        {
            Line();
            var silo = recoveries.Where(r => r.Fault.Kind != FaultKind.DatabaseRestarted && r.Answered is not null).Select(r => r.Answered!.Value).DefaultIfEmpty().Max();
            var database = recoveries.Where(r => r.Fault.Kind == FaultKind.DatabaseRestarted && r.Answered is not null).Select(r => r.Answered!.Value).DefaultIfEmpty().Max();
            Line(string.Create(Invariant, $"Worst: every site answering again {silo:0.0} s after a silo fault; the first admission {database:0.0} s after the database was back."));
        }

        Line();
        Line("## Rules checked");
        Line();
        Line("While it ran:");
        Line();
        Line("- **No acknowledged session lost**: every touch of a session its visitor was working in answered 200, or 410 for a reason the soak explains (`kicked` after the operator sent the kick, `evicted` on the site that evicts, `idle` only once an idle timeout had passed since a request that found it live); never 404.");
        Line("- **Ends are exact**: after a sign-out (204) the session answers 410 and its site no longer lists it; a session walked away from answers 410 and is no longer listed by its lease bound (1.5 idle timeouts after the last touch, plus 2 s).");
        Line("- **No 5xx but 503**: every answer's status was checked.");
        Line();
        Line("After it ended, from the records and from the database:");
        Line();
        foreach (var (rule, what) in checks)
        {
            Line($"- **{rule}**: {what}.");
        }

        Line("- **Recovery within bounds**: the faults table above.");

        Line();
        Line("## Memory and CPU");
        Line();
        Line($"![Each server's resident memory and CPU over the soak]({chartPath})");
        Line();
        foreach (var server in journal.Processes.GroupBy(p => p.Server).OrderBy(g => g.Key))
        {
            var ordered = server.OrderBy(p => p.At).ToList();
            Line(string.Create(Invariant, $"- server {server.Key}: resident memory {ordered.Min(p => p.ResidentMegabytes):0} to {ordered.Max(p => p.ResidentMegabytes):0} MB (last {ordered[^1].ResidentMegabytes:0} MB), CPU {ordered.Average(p => p.CpuPercent):0} % of a core on average."));
        }

        if (violations.Count > 0)
        {
            Line();
            Line("## Broken rules");
            Line();
            foreach (var violation in violations.Take(100))
            {
                Line($"- {violation}");
            }

            if (violations.Count > 100)
            {
                Line(string.Create(Invariant, $"- … and {violations.Count - 100} more"));
            }
        }

        return text.ToString();
    }

    private static string Ends(Journal journal) => string.Join(
        ", ",
        journal.Sessions.GroupBy(s => s.HeldAtEnd ? "live at the end" : s.EndedAs ?? "not followed to its end")
            .OrderByDescending(g => g.Count())
            .Select(g => string.Create(Invariant, $"{g.Key} {g.Count():N0}")));
}
