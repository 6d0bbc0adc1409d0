using System.Collections.Concurrent;
using System.Diagnostics;

namespace SessionGrains.Soak;

/// <summary>
/// Everything the soak was told, with when: every acknowledged admission and what the session answered after, every
/// sign-in answer, limit change, kick and fault, and every rule broken while it ran. Times are seconds since the start
/// on one monotonic clock; "sent" is when a request left, "answered" when its answer arrived, so whatever a server
/// decided for it, it decided in between.
/// </summary>
public sealed class Journal
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<(string Request, string Answer), long> _answers = new();
    private readonly ConcurrentQueue<string> _violations = new();

    public double Now => _clock.Elapsed.TotalSeconds;

    public ConcurrentBag<AdmittedSession> Sessions { get; } = [];

    public ConcurrentBag<SignInAnswer> SignIns { get; } = [];

    public ConcurrentBag<LimitChange> LimitChanges { get; } = [];

    /// <summary>Kicks the operator sent, by session id: when the first attempt left.</summary>
    public ConcurrentDictionary<string, double> KicksSent { get; } = new(StringComparer.Ordinal);

    public ConcurrentBag<FaultRecord> Faults { get; } = [];

    public ConcurrentBag<CountSample> Counts { get; } = [];

    public ConcurrentBag<ProcessSample> Processes { get; } = [];

    /// <summary>Answers by kind of request and by status with problem code (e.g. <c>touch</c>, <c>410 session_ended</c>), and failed connections.</summary>
    public IReadOnlyDictionary<(string Request, string Answer), long> Answers => _answers;

    public IReadOnlyCollection<string> Violations => _violations;

    public void CountAnswer(string request, string answer) => _answers.AddOrUpdate((request, answer), 1, (_, n) => n + 1);

    public void Violation(string what) => _violations.Enqueue($"[{Now:0.0} s] {what}");
}

/// <summary>A session a visitor was admitted to, and what it learned of it afterwards.</summary>
public sealed class AdmittedSession(SoakSite site, string sessionId, double sent, double answered)
{
    public SoakSite Site { get; } = site;

    public string SessionId { get; } = sessionId;

    /// <summary>When the sign-in (or the line's ticket) that led to the admission was sent.</summary>
    public double Sent { get; } = sent;

    public double Answered { get; } = answered;

    /// <summary>
    /// When the last request answered "live" was sent (at first, the sign-in's): the server saw it live no earlier, so
    /// its idle deadline is at least an idle timeout later; and as a session never comes back once ended, it was live
    /// all the way from <see cref="Answered"/> to here.
    /// </summary>
    public double LastLiveSent { get; set; } = sent;

    /// <summary>When the last request answered "live" arrived: the site heard of activity no later than this.</summary>
    public double LastLiveAnswered { get; set; } = answered;

    /// <summary>How the session ended as the visitor saw it (<c>logout</c>, <c>idle</c>, <c>kicked</c>, <c>evicted</c>), or null while held.</summary>
    public string? EndedAs { get; set; }

    /// <summary>When the visitor learned it had ended.</summary>
    public double EndSeenAt { get; set; }

    /// <summary>True when the visitor still held it, live, at the end of the soak.</summary>
    public bool HeldAtEnd { get; set; }
}

/// <summary>One answer to a sign-in (a new session, a refusal, a ticket, or 503), for recovery times.</summary>
public sealed record SignInAnswer(string SiteId, double Sent, double Answered, int Status);

/// <summary>A change of a site's limit: in force from some moment between <see cref="Sent"/> and <see cref="Answered"/>.</summary>
public sealed record LimitChange(string SiteId, double Sent, double Answered, int Limit);

/// <summary>A fault: when it began, when what failed was back (started and, for a silo, in the membership again).</summary>
public sealed record FaultRecord(FaultKind Kind, string Target, double Began, double Back);

/// <summary>A site's count and limit as one answer of the API gave them, read at some moment between sending and answer.</summary>
public sealed record CountSample(double Sent, double Answered, string SiteId, int Active, int Limit);

/// <summary>One server process's resident memory and CPU use (of one core, in percent) since the last sample.</summary>
public sealed record ProcessSample(double At, int Server, double ResidentMegabytes, double CpuPercent);
