using Npgsql;

namespace SessionGrains.Soak;

/// <summary>
/// The rules checked after the soak, from the journal and from the database (those checked while it ran are in
/// <see cref="Visitor"/> and <see cref="Samplers"/>). Each adds what it checked to <see cref="Checked"/>, for the
/// report, and every breach to the journal's violations.
/// </summary>
public sealed class Checks(Journal journal)
{
    public List<(string Rule, string Checked)> Checked { get; } = [];

    /// <summary>
    /// No count over the limit at any reading. Lowering a limit ends nobody, so a count may stay above a lowered
    /// limit; but it grows only by admissions, each within the limit of its moment: so each reading is at most the one
    /// before it or the highest limit that may have been in force since.
    /// </summary>
    public void CountsWithinLimits(IReadOnlyList<SoakSite> sites)
    {
        var over = 0;
        foreach (var site in sites)
        {
            var changes = journal.LimitChanges.Where(c => c.SiteId == site.SiteId).OrderBy(c => c.Answered).ToList();
            var (active, since) = (0, double.NegativeInfinity);
            foreach (var reading in journal.Counts.Where(c => c.SiteId == site.SiteId).OrderBy(c => c.Sent))
            {
                var ceiling = Math.Max(active, HighestLimit(site, changes, since, reading.Answered));
                if (reading.Active > ceiling)
                {
                    over++;
                    journal.Violation($"{site.Name} counted {reading.Active} sessions at {reading.Answered:0.0} s; the most it may have counted then is {ceiling}");
                }

                (active, since) = (reading.Active, reading.Sent);
            }
        }

        Checked.Add(("No count over the limit at any reading", $"{journal.Counts.Count:N0} readings of a site's count (every site once a second through `GET /api/sites`), each against the reading before it and the limits in force since: {over} over"));
    }

    /// <summary>
    /// No admission over the limit: at every admission, the sessions certainly live throughout its window (admitted
    /// before it was sent, and answering "live" to a request sent after it was answered) and the new one together
    /// stay within the highest limit that may have been in force during the window.
    /// </summary>
    public void AdmissionsWithinLimits()
    {
        var over = 0;
        foreach (var group in journal.Sessions.GroupBy(s => s.Site))
        {
            var site = group.Key;
            var sessions = group.OrderBy(s => s.Answered).ToList();
            var changes = journal.LimitChanges.Where(c => c.SiteId == site.SiteId).OrderBy(c => c.Answered).ToList();
            foreach (var admission in sessions)
            {
                var live = sessions.Count(s => s != admission && s.Answered <= admission.Sent && s.LastLiveSent >= admission.Answered);
                var limit = HighestLimit(site, changes, admission.Sent, admission.Answered);
                if (live + 1 > limit)
                {
                    over++;
                    journal.Violation($"{site.Name}: session {admission.SessionId} was admitted beside {live} certainly live sessions, limit {limit}");
                }
            }
        }

        Checked.Add(("No admission over the limit", $"{journal.Sessions.Count:N0} admissions, each against the sessions certainly live while it was decided: {over} over"));
    }

    /// <summary>
    /// Nothing lost in the database: each session held at the end has its row; each session seen to end has no row any
    /// more, and its end recorded (a site records an end in the write that frees the seat).
    /// </summary>
    public async Task DatabaseAgreesAsync(string connectionString)
    {
        HashSet<(string, Guid)> live, ended;
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            live = await SessionKeysAsync(connection, "SessionGrainsSiteSessions");
            ended = await SessionKeysAsync(connection, "SessionGrainsEndedSessions");
        }

        (string, Guid) Key(AdmittedSession s) => (s.Site.SiteId, Guid.ParseExact(s.SessionId, "N"));
        var held = journal.Sessions.Where(s => s.HeldAtEnd).ToList();
        var missing = held.Where(s => !live.Contains(Key(s))).ToList();
        foreach (var session in missing)
        {
            journal.Violation($"{session.Site.Name}: session {session.SessionId}, live at the end, has no row in SessionGrainsSiteSessions");
        }

        Checked.Add(("Every session live at the end is stored", $"{held.Count:N0} sessions: {missing.Count} without their row"));

        var seenEnded = journal.Sessions.Where(s => s.EndedAs is not null).ToList();
        var lingering = seenEnded.Where(s => live.Contains(Key(s))).ToList();
        foreach (var session in lingering)
        {
            journal.Violation($"{session.Site.Name}: session {session.SessionId}, ended ({session.EndedAs}), still has its row in SessionGrainsSiteSessions");
        }

        Checked.Add(("Every session seen to end is gone from storage", $"{seenEnded.Count:N0} sessions: {lingering.Count} still stored"));

        var unrecorded = seenEnded.Where(s => !ended.Contains(Key(s))).ToList();
        foreach (var session in unrecorded)
        {
            journal.Violation($"{session.Site.Name}: session {session.SessionId} ended ({session.EndedAs}) without a row in SessionGrainsEndedSessions");
        }

        Checked.Add(("Every end is recorded", $"{seenEnded.Count:N0} ends: {unrecorded.Count} without their record"));
    }

    /// <summary>Every (site, session) with a row in <paramref name="table"/>.</summary>
    private static async Task<HashSet<(string, Guid)>> SessionKeysAsync(NpgsqlConnection connection, string table)
    {
        var keys = new HashSet<(string, Guid)>();
        await using var command = new NpgsqlCommand($"SELECT SiteId, SessionId FROM {table}", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add((reader.GetString(0), reader.GetGuid(1)));
        }

        return keys;
    }

    /// <summary>
    /// The highest limit that may have been in force at some moment between <paramref name="from"/> and
    /// <paramref name="to"/>: a change is in force from some moment between its request's sending and its answer.
    /// </summary>
    private static int HighestLimit(SoakSite site, List<LimitChange> changes, double from, double to)
    {
        var highest = int.MinValue;
        var previous = site.Limit;
        var previousFrom = double.NegativeInfinity;
        foreach (var change in changes)
        {
            // The previous value held from previousFrom until, at the latest, this change's answer.
            if (previousFrom <= to && change.Answered >= from)
            {
                highest = Math.Max(highest, previous);
            }

            previous = change.Limit;
            previousFrom = change.Sent;
        }

        if (previousFrom <= to)
        {
            highest = Math.Max(highest, previous);
        }

        return highest;
    }
}
