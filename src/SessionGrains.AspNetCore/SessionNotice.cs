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

    public static SessionNotice Refused(SessionRefused refusal) => new()
    {
        Refusal = refusal.Reason,
        Message = refusal.Message,
        RetryAfter = refusal.RetryAfter,
    };
}

[JsonSerializable(typeof(SessionNotice))]
internal sealed partial class SessionNoticeJson : JsonSerializerContext;
