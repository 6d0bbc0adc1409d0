using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SessionGrains.Grains.Telemetry;

/// <summary>
/// The sites' figures as metrics (meter <see cref="MeterName"/>), for Prometheus or any OpenTelemetry reader: what
/// they decided, counted once each answer holds (an admission once its write is stored), and what they hold now,
/// summed over the sites this silo hosts. Per silo, never a series per site: a site's own figures are on its dashboard
/// page and in its history, where an operator finds the one that is noisy.
/// </summary>
public sealed class SiteMetrics
{
    public const string MeterName = "SessionGrains";

    private readonly Counter<long> _admissions;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _ends;
    private readonly Counter<long> _line;
    private readonly Histogram<double> _admissionDuration;
    private readonly Histogram<double> _expiryLag;
    private readonly Counter<long> _renewals;
    private readonly Counter<long> _guardBlocks;
    private readonly ConcurrentDictionary<string, SiteFigures> _sites = new(StringComparer.Ordinal);

    public SiteMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _admissions = meter.CreateCounter<long>("sessiongrains.admissions", "{session}", "Sessions admitted (stored), by whether they are exempt.");
        _refusals = meter.CreateCounter<long>("sessiongrains.refusals", "{sign-in}", "Sign-ins refused, by reason.");
        _ends = meter.CreateCounter<long>("sessiongrains.ends", "{session}", "Sessions ended (stored), by reason.");
        _line = meter.CreateCounter<long>("sessiongrains.line.events", "{ticket}", "Waiting-line tickets joined, admitted, left, expired, removed.");
        _admissionDuration = meter.CreateHistogram<double>(
            "sessiongrains.admission.duration",
            "s",
            "From a sign-in reaching its site to its answer, the stored write included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _expiryLag = meter.CreateHistogram<double>(
            "sessiongrains.expiry.lag",
            "s",
            "How long after its lease ran out a session's seat was freed (by the site's timer, or the next call to the site).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        _renewals = meter.CreateCounter<long>("sessiongrains.lease.renewals", "{renewal}", "Leases renewed by session grains (stored).");
        _guardBlocks = meter.CreateCounter<long>("sessiongrains.guard.blocks", "{block}", "Blocks the sign-in guard started, by scope (address, user).");
        meter.CreateObservableGauge("sessiongrains.sites", () => (long)_sites.Count, "{site}", "Sites active on this silo.");
        meter.CreateObservableGauge("sessiongrains.sites.full", () => (long)_sites.Values.Count(s => s.Full), "{site}", "Sites on this silo at their limit.");
        meter.CreateObservableGauge("sessiongrains.sessions.counted", () => _sites.Values.Sum(s => (long)s.Counted), "{session}", "Sessions taking a seat, on this silo's sites.");
        meter.CreateObservableGauge("sessiongrains.sessions.exempt", () => _sites.Values.Sum(s => (long)s.Exempt), "{session}", "Exempt sessions, on this silo's sites.");
        meter.CreateObservableGauge("sessiongrains.line.waiting", () => _sites.Values.Sum(s => (long)s.Waiting), "{ticket}", "Tickets waiting in the lines of this silo's sites.");
    }

    public void Admitted(bool exempt, int count = 1) => _admissions.Add(count, new KeyValuePair<string, object?>("exempt", exempt));

    public void Refused(RefusalReason reason) => _refusals.Add(1, new KeyValuePair<string, object?>("reason", Snake(reason.ToString())));

    public void Ended(SessionEndReason reason) => _ends.Add(1, new KeyValuePair<string, object?>("reason", Snake(reason.ToString())));

    /// <param name="event">joined, admitted, left, or the end reason of a ticket sent away.</param>
    public void Line(string @event, int count = 1) => _line.Add(count, new KeyValuePair<string, object?>("event", @event));

    public void AdmissionTook(TimeSpan elapsed) => _admissionDuration.Record(elapsed.TotalSeconds);

    public void LeaseExpiredLate(TimeSpan lag) => _expiryLag.Record(Math.Max(0, lag.TotalSeconds));

    public void LeaseRenewed() => _renewals.Add(1);

    public void GuardBlocked(BlockScope scope) => _guardBlocks.Add(1, new KeyValuePair<string, object?>("scope", Snake(scope.ToString())));

    /// <summary>A site's figures after a stored write; <see cref="Forget"/> when its activation ends.</summary>
    public void Holds(string siteId, SiteFigures figures) => _sites[siteId] = figures;

    public void Forget(string siteId) => _sites.TryRemove(siteId, out _);

    public static long Now() => Stopwatch.GetTimestamp();

    internal static string Snake(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i == 0 ? "" : "_") + char.ToLowerInvariant(c) : c.ToString()));
}

/// <summary>What one site holds now, as its last stored write left it.</summary>
public readonly record struct SiteFigures(int Counted, int Exempt, int Waiting, bool Full);
