using System.Diagnostics.Metrics;
using SessionGrains.Grains.Telemetry;

namespace SessionGrains.Persistence.State;

/// <summary>The state store's commits as metrics, in the sites' meter: how many, how long, how big, how many failed.</summary>
public sealed class StorageMetrics
{
    private readonly Counter<long> _commits;
    private readonly Histogram<double> _duration;
    private readonly Histogram<int> _batchSize;

    public StorageMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(SiteMetrics.MeterName);
        _commits = meter.CreateCounter<long>("sessiongrains.storage.commits", "{commit}", "Transactions of the state store, by outcome (stored, failed).");
        _duration = meter.CreateHistogram<double>(
            "sessiongrains.storage.commit.duration",
            "s",
            "How long one commit of grouped writes took.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5] });
        _batchSize = meter.CreateHistogram<int>(
            "sessiongrains.storage.commit.writes",
            "{write}",
            "Site writes and session ends grouped into one commit.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000] });
    }

    public void Committed(int writes, TimeSpan took)
    {
        _commits.Add(1, new KeyValuePair<string, object?>("outcome", "stored"));
        _duration.Record(took.TotalSeconds);
        _batchSize.Record(writes);
    }

    public void Failed(int writes)
    {
        _commits.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
        _batchSize.Record(writes);
    }
}
