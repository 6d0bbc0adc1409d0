using System.Text.Json.Serialization;

namespace SessionGrains.AspNetCore;

/// <summary>
/// Why a user was signed out by the gate (their session ended) or could not get a seat back: ready to show on the
/// next page. Read it once with <see cref="HttpContextExtensions.TakeSessionNotice"/>.
/// </summary>
public sealed record SessionNotice
{
    /// <summary>Why the session ended; null when it was refused a seat after going idle, or is unknown to the site.</summary>
    public SessionEndReason? EndReason { get; init; }

    /// <summary>Set when the user lost their seat to idleness and the site was full when they came back.</summary>
    public RefusalReason? Refusal { get; init; }

    /// <summary>Why the user's ticket left the site's waiting line without a seat; null unless it did.</summary>
    public TicketEndReason? LineEndReason { get; init; }

    /// <summary>A sentence for the user.</summary>
    public required string Message { get; init; }

    /// <summary>When trying again should succeed at the latest, for a refusal.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static SessionNotice Ended(SessionEndReason reason) => new()
    {
        EndReason = reason,
        Message = reason switch
        {
            SessionEndReason.Idle => "You were signed out because you were inactive for too long.",
            SessionEndReason.Logout => "You were signed out.",
            SessionEndReason.Kicked => "An administrator ended your session.",
            _ => "Your session was ended to make room for another user, because the site was full and you were the least active.",
        },
    };

    public static SessionNotice Unknown() => new()
    {
        Message = "Your session is no longer valid. Please sign in again.",
    };

    /// <summary>The user's ticket left the waiting line: <paramref name="reason"/> is null when they left it themselves or the site does not know it.</summary>
    public static SessionNotice LeftLine(TicketEndReason? reason, bool byUser = false) => new()
    {
        LineEndReason = reason,
        Message = (reason, byUser) switch
        {
            (_, true) => "You left the waiting line.",
            (TicketEndReason.TicketExpired, _) => "Your place in the waiting line lapsed because the waiting page was closed for too long. Please sign in again.",
            (TicketEndReason.ClaimExpired, _) => "A seat was free for you but was not taken in time, so it went to the next in line. Please sign in again.",
            (TicketEndReason.SiteClosed, _) => "The site closed, and its waiting line was sent away. Please try again later.",
            (TicketEndReason.Removed, _) => "An administrator took you out of the waiting line.",
            _ => "You are no longer in the waiting line. Please sign in again.",
        },
    };

    public static SessionNotice Refused(SessionRefused refusal) => new()
    {
        Refusal = refusal.Reason,
        Message = refusal.Message,
        RetryAfter = refusal.RetryAfter,
    };
}

[JsonSerializable(typeof(SessionNotice))]
internal sealed partial class SessionNoticeJson : JsonSerializerContext;
