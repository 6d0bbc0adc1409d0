using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace SessionGrains.Server.Problems;

/// <summary>
/// Every error the API returns: an RFC 9457 problem whose <c>code</c> is stable, so clients branch on it
/// rather than on wording.
/// </summary>
public static class ApiProblems
{
    public static IResult InvalidRequest(IReadOnlyList<RequestError> errors) => Problem(
        StatusCodes.Status400BadRequest,
        ProblemCodes.InvalidRequest,
        "The request is invalid.",
        string.Join(" ", errors.Select(e => e.Message)),
        new Dictionary<string, object?>
        {
            ["errors"] = errors
                .GroupBy(e => e.Field, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal),
        });

    public static IResult InvalidJson(string detail) =>
        Problem(StatusCodes.Status400BadRequest, ProblemCodes.InvalidJson, "The body is not valid JSON for this request.", detail);

    public static ProblemHttpResult BodyTooLarge(long limit) => Problem(
        StatusCodes.Status413PayloadTooLarge,
        ProblemCodes.BodyTooLarge,
        "The body is too large.",
        $"Request bodies are at most {limit.ToString(CultureInfo.InvariantCulture)} bytes.");

    public static ProblemHttpResult UnsupportedMediaType() => Problem(
        StatusCodes.Status415UnsupportedMediaType,
        ProblemCodes.UnsupportedMediaType,
        "The body must be JSON.",
        "Send the body with 'Content-Type: application/json'.");

    public static IResult Unauthorized() => Problem(
        StatusCodes.Status401Unauthorized,
        ProblemCodes.Unauthorized,
        "An API key is required.",
        "Send a valid key as 'Authorization: Bearer <key>'.");

    public static IResult Forbidden() => Problem(
        StatusCodes.Status403Forbidden,
        ProblemCodes.Forbidden,
        "This key may not do that.",
        "A site key may open, touch and close its own site's sessions and read its own site; everything else needs the admin key.");

    public static IResult Refused(SessionRefused refusal)
    {
        var (status, code, title) = refusal.Reason switch
        {
            RefusalReason.SiteFull => (StatusCodes.Status429TooManyRequests, ProblemCodes.SiteFull, "The site is full."),
            RefusalReason.UserLimit => (StatusCodes.Status429TooManyRequests, ProblemCodes.UserLimit, "The user has as many sessions as the site allows."),
            RefusalReason.MaxSessions => (StatusCodes.Status429TooManyRequests, ProblemCodes.MaxSessions, "The site holds as many sessions as it may hold at all."),
            RefusalReason.SiteClosed => (StatusCodes.Status503ServiceUnavailable, ProblemCodes.SiteClosed, "The site admits no new sessions."),
            _ => (StatusCodes.Status503ServiceUnavailable, ProblemCodes.StorageUnavailable, "New sessions cannot be admitted right now."),
        };
        var problem = Problem(status, code, title, refusal.Message, new Dictionary<string, object?>
        {
            ["active"] = refusal.Active,
            ["limit"] = refusal.Limit,
        });
        return refusal.RetryAfter is { } retryAfter ? new WithRetryAfter(problem, retryAfter) : problem;
    }

    /// <summary>Over one of the server's rate limits (<c>RateLimitRegistration</c>): nothing was done.</summary>
    public static IResult RateLimited(TimeSpan retryAfter) => new WithRetryAfter(
        Problem(
            StatusCodes.Status429TooManyRequests,
            ProblemCodes.RateLimited,
            "Too many requests.",
            "This request was not handled: too many came from the same site key or, after wrong keys, from the same address. Try again after the time in Retry-After."),
        retryAfter);

    public static IResult SessionEnded(SessionEndReason reason) => Problem(
        StatusCodes.Status410Gone,
        ProblemCodes.SessionEnded,
        "The session has ended.",
        reason switch
        {
            SessionEndReason.Idle => "The session ended after being idle past the site's idle timeout.",
            SessionEndReason.Logout => "The user signed out.",
            SessionEndReason.Kicked => "An operator ended the session.",
            _ => "The session was evicted to make room for a new one.",
        },
        new Dictionary<string, object?> { ["reason"] = ApiNames.Of(reason) });

    public static IResult UnknownSession() => Problem(
        StatusCodes.Status404NotFound,
        ProblemCodes.UnknownSession,
        "No such session.",
        "This site holds no session with this id: it never admitted one, or the session ended so long ago that the site no longer remembers it.");

    public static IResult UnknownKey() => Problem(
        StatusCodes.Status404NotFound,
        ProblemCodes.UnknownKey,
        "No such key.",
        "This site was never issued a key with this id.");

    /// <summary>The sign-in guard refuses an attempt: <c>detail</c> is the site's message, <c>Retry-After</c> when the block ends.</summary>
    public static IResult SignInBlocked(SignInBlocked blocked, DateTimeOffset now) => new WithRetryAfter(
        Problem(
            StatusCodes.Status429TooManyRequests,
            ProblemCodes.SignInBlocked,
            blocked.Scope == BlockScope.Address ? "Too many failed sign-ins from this address." : "Too many failed sign-ins for this user.",
            blocked.Message,
            new Dictionary<string, object?> { ["scope"] = ApiNames.Of(blocked.Scope), ["blockedUntil"] = blocked.BlockedUntil }),
        blocked.BlockedUntil - now);

    /// <summary>A ticket of the waiting line that left it without its holder's say: 410 with why.</summary>
    public static IResult TicketEnded(TicketEndReason reason) => reason switch
    {
        TicketEndReason.ClaimExpired => Problem(
            StatusCodes.Status410Gone,
            ProblemCodes.ClaimExpired,
            "The seat held for this ticket was not claimed in time.",
            "A seat was held for this ticket, and went to the next in line when it was not claimed within the site's claim time. Sign in again to join the line anew."),
        TicketEndReason.SiteClosed => Problem(
            StatusCodes.Status410Gone,
            ProblemCodes.SiteClosed,
            "The site admits no new sessions.",
            "The site closed while this ticket waited, and sent its line away."),
        TicketEndReason.Removed => Problem(
            StatusCodes.Status410Gone,
            ProblemCodes.TicketRemoved,
            "The ticket was removed from the line.",
            "An operator removed this ticket from the site's waiting line."),
        _ => Problem(
            StatusCodes.Status410Gone,
            ProblemCodes.TicketExpired,
            "The ticket expired.",
            "The ticket was not asked about within the site's ticket timeout, and left the line. Sign in again to join the line anew."),
    };

    public static IResult UnknownTicket() => Problem(
        StatusCodes.Status404NotFound,
        ProblemCodes.UnknownTicket,
        "No such ticket.",
        "This site's line holds no ticket with this id: it was never given, was withdrawn, or ended so long ago that the site no longer remembers it.");

    public static IResult UnknownBlock() => Problem(
        StatusCodes.Status404NotFound,
        ProblemCodes.UnknownBlock,
        "No such block.",
        "This address or user is not blocked on this site.");

    private static readonly TimeSpan StorageRetryAfter = TimeSpan.FromSeconds(5);

    public static IResult ServiceUnavailable() => Problem(
        StatusCodes.Status503ServiceUnavailable,
        ProblemCodes.ServiceUnavailable,
        "The service is unavailable.",
        "The cluster could not answer in time; try again shortly.");

    /// <summary>Fail-closed: while state cannot be saved, nobody new is admitted (and nothing else changes).</summary>
    public static IResult StorageUnavailable() => new WithRetryAfter(
        Problem(
            StatusCodes.Status503ServiceUnavailable,
            ProblemCodes.StorageUnavailable,
            "New sessions cannot be admitted right now.",
            "The session service cannot reach its database, so it admits nobody new and changes nothing until it can. Sessions already admitted keep working. Try again shortly."),
        StorageRetryAfter);

    public static IResult InternalError() => Problem(
        StatusCodes.Status500InternalServerError,
        ProblemCodes.InternalError,
        "Something went wrong on our side.",
        "The error was logged; nothing was changed by this request.");

    /// <summary>
    /// Completes every problem as it is written. Ours come with a code; a problem the framework writes itself from a bare
    /// status (an unknown route, a wrong method, a content type no endpoint accepts, a body over the size limit met while
    /// the framework binds it) gets a stable code too, and for the body's rules the same words as ours.
    /// </summary>
    public static void Complete(ProblemDetails problem)
    {
        var status = problem.Status ?? StatusCodes.Status500InternalServerError;

        // The framework names a type only for the statuses in its own table; every problem carries the same fields.
        problem.Type ??= TypeFor(status);
        if (problem.Extensions.ContainsKey(CodeKey))
        {
            return;
        }

        var ours = status switch
        {
            StatusCodes.Status413PayloadTooLarge => BodyTooLarge(RequestLimits.MaxBodyBytes).ProblemDetails,
            StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType().ProblemDetails,
            _ => null,
        };
        if (ours is not null)
        {
            problem.Title = ours.Title;
            problem.Detail = ours.Detail;
        }

        problem.Extensions[CodeKey] = CodeFor(status);
        problem.Detail ??= DetailFor(status) ?? problem.Title;
    }

    /// <summary>A detail for problems the framework raises itself without one.</summary>
    private static string? DetailFor(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request could not be read; check its path, query and body against the API's description.",
        StatusCodes.Status404NotFound => "Nothing is found at this path.",
        StatusCodes.Status405MethodNotAllowed => "This path does not take this method.",
        >= 500 => "The error was logged; nothing was changed by this request.",
        _ => null,
    };

    /// <summary>A stable code for problems the framework raises itself.</summary>
    private static string CodeFor(int status) => status switch
    {
        StatusCodes.Status400BadRequest => ProblemCodes.InvalidRequest,
        StatusCodes.Status401Unauthorized => ProblemCodes.Unauthorized,
        StatusCodes.Status403Forbidden => ProblemCodes.Forbidden,
        StatusCodes.Status404NotFound => ProblemCodes.NotFound,
        StatusCodes.Status405MethodNotAllowed => ProblemCodes.MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => ProblemCodes.BodyTooLarge,
        StatusCodes.Status415UnsupportedMediaType => ProblemCodes.UnsupportedMediaType,
        >= 500 => ProblemCodes.InternalError,
        _ => ProblemCodes.Error,
    };

    /// <summary>Where a status is defined, for the statuses the framework's own table leaves out.</summary>
    private static string TypeFor(int status) => status switch
    {
        StatusCodes.Status410Gone => "https://tools.ietf.org/html/rfc9110#section-15.5.11",
        StatusCodes.Status413PayloadTooLarge => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        StatusCodes.Status429TooManyRequests => "https://tools.ietf.org/html/rfc6585#section-4",
        >= 500 => "https://tools.ietf.org/html/rfc9110#section-15.6",
        _ => "https://tools.ietf.org/html/rfc9110#section-15.5",
    };

    private const string CodeKey = "code";

    private static ProblemHttpResult Problem(int status, string code, string title, string detail, Dictionary<string, object?>? extensions = null)
    {
        extensions ??= [];
        extensions[CodeKey] = code;
        return TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);
    }

    /// <summary>Adds <c>Retry-After</c> (whole seconds, rounded up) to a problem.</summary>
    internal sealed class WithRetryAfter(ProblemHttpResult inner, TimeSpan retryAfter) : IResult
    {
        public ProblemHttpResult Problem => inner;

        public string Seconds => Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = Seconds;
            return inner.ExecuteAsync(httpContext);
        }
    }
}

/// <summary>How enum values are written on the wire: lowercase words joined by '-' ("evict-idlest").</summary>
public static class ApiNames
{
    public static JsonNamingPolicy EnumPolicy { get; } = JsonNamingPolicy.KebabCaseLower;

    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum => EnumPolicy.ConvertName(value.ToString());
}

/// <summary>Thrown where a handler cannot go on; the exception handler writes its problem.</summary>
public sealed class ApiProblemException(IResult problem) : Exception("The request was refused with a problem.")
{
    public IResult Problem { get; } = problem;
}
