namespace SessionGrains.Server.Problems;

/// <summary>
/// The stable <c>code</c> of every problem the API answers with: clients branch on these, never on wording. The OpenAPI
/// document lists them as the code's enum (<see cref="All"/>), so a new code must be added here to be used.
/// </summary>
public static class ProblemCodes
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidJson = "invalid_json";
    public const string BodyTooLarge = "body_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string SiteFull = "site_full";
    public const string UserLimit = "user_limit";
    public const string MaxSessions = "max_sessions";
    public const string SiteClosed = "site_closed";
    public const string RateLimited = "rate_limited";
    public const string SessionEnded = "session_ended";
    public const string UnknownSession = "unknown_session";
    public const string UnknownKey = "unknown_key";
    public const string SignInBlocked = "sign_in_blocked";
    public const string UnknownBlock = "unknown_block";
    public const string TicketExpired = "ticket_expired";
    public const string ClaimExpired = "claim_expired";
    public const string UnknownTicket = "unknown_ticket";
    public const string TicketRemoved = "ticket_removed";
    public const string ServiceUnavailable = "service_unavailable";
    public const string StorageUnavailable = "storage_unavailable";
    public const string InternalError = "internal_error";

    /// <summary>For a status the framework raised that has no code of its own.</summary>
    public const string Error = "error";

    public static IReadOnlyList<string> All { get; } =
    [
        InvalidRequest, InvalidJson, BodyTooLarge, UnsupportedMediaType, Unauthorized, Forbidden, NotFound, MethodNotAllowed,
        SiteFull, UserLimit, MaxSessions, SiteClosed, RateLimited, SessionEnded, UnknownSession, UnknownKey, SignInBlocked, UnknownBlock, TicketExpired, ClaimExpired, UnknownTicket, TicketRemoved,
        ServiceUnavailable, StorageUnavailable, InternalError, Error,
    ];
}
