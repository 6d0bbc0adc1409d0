namespace SessionGrains.Soak;

/// <summary>How long each fault kept sign-ins from being answered, held against the documented bounds.</summary>
/// <param name="Answered">
/// Silo faults: from the fault until every site answered a reading of its count sent after it (the sampler asks all
/// sites once a second; a site on a killed silo answers once Orleans has declared the silo dead). Database restarts:
/// from the database being back until the first admission of a sign-in sent after that.
/// </param>
public sealed record Recovery(FaultRecord Fault, double? Answered, int Unavailable, double Bound)
{
    /// <summary>docs/deployment.md: a killed silo's sites admit again within 15 s (Orleans declares it dead in about 6 s).</summary>
    public const double SiloBound = 15;

    /// <summary>docs/deployment.md: admissions resume as soon as the database is back; allowed a few seconds for the pool to reconnect.</summary>
    public const double DatabaseBound = 5;

    public static IReadOnlyList<Recovery> Of(Journal journal)
    {
        var signIns = journal.SignIns.OrderBy(a => a.Sent).ToList();
        // One reading of every site's count per answer of GET /api/sites: all sites answered it.
        var readings = journal.Counts.Select(c => (c.Sent, c.Answered)).Distinct().OrderBy(r => r.Sent).ToList();
        var recoveries = new List<Recovery>();
        foreach (var fault in journal.Faults.OrderBy(f => f.Began))
        {
            var unavailable = signIns.Count(a => a.Status == 503 && a.Sent >= fault.Began - 1 && a.Sent <= fault.Back + SiloBound);
            double? answered;
            double bound;
            if (fault.Kind == FaultKind.DatabaseRestarted)
            {
                bound = DatabaseBound;
                answered = signIns.FirstOrDefault(a => a.Status == 201 && a.Sent >= fault.Back)?.Answered - fault.Back;
            }
            else
            {
                bound = SiloBound;
                answered = readings.FirstOrDefault(r => r.Sent >= fault.Began) is { Answered: > 0 } reading ? reading.Answered - fault.Began : null;
            }

            if (answered is null || answered > bound)
            {
                journal.Violation($"{fault.Target} ({fault.Kind}) at {fault.Began:0} s: sign-ins answered again after {answered?.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) ?? "never"} s, bound {bound} s");
            }

            recoveries.Add(new Recovery(fault, answered, unavailable, bound));
        }

        return recoveries;
    }
}
