namespace SessionGrains.Grains.Telemetry;

/// <summary>
/// A site's decisions since its last stored write, counted in <see cref="SiteMetrics"/> once the next write is stored
/// and dropped if it fails (the activation then starts again from storage, where they are not).
/// </summary>
internal sealed class PendingMetrics
{
    private readonly Dictionary<string, int> _line = new(StringComparer.Ordinal);
    private int _admitted;
    private int _admittedExempt;

    public void Admitted(bool exempt)
    {
        if (exempt)
        {
            _admittedExempt++;
        }
        else
        {
            _admitted++;
        }
    }

    public void Line(string @event) => _line[@event] = _line.GetValueOrDefault(@event) + 1;

    public void FlushTo(SiteMetrics metrics)
    {
        if (_admitted > 0)
        {
            metrics.Admitted(exempt: false, _admitted);
        }

        if (_admittedExempt > 0)
        {
            metrics.Admitted(exempt: true, _admittedExempt);
        }

        foreach (var (@event, count) in _line)
        {
            metrics.Line(@event, count);
        }

        Clear();
    }

    public void Clear()
    {
        _admitted = 0;
        _admittedExempt = 0;
        _line.Clear();
    }
}
