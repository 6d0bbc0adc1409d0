using System.Net;

namespace SessionGrains;

/// <summary>
/// The input rules shared by every entry point (grain API, HTTP API, client library),
/// so that a request refused in one place is refused everywhere with the same words.
/// </summary>
public static class RequestRules
{
    public const int MaxSiteIdLength = 64;
    public const int MaxUserIdLength = 256;
    public const int MaxRoles = 32;
    public const int MaxRoleLength = 64;
    public const int MaxUserAgentLength = 1024;
    public const int MaxMessageLength = 1000;
    public const int MaxLimit = 10_000_000;
    public static readonly TimeSpan MinIdleTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxIdleTimeout = TimeSpan.FromDays(30);

    public static bool IsValidSiteId(string? siteId) =>
        siteId is { Length: > 0 and <= MaxSiteIdLength } && siteId.All(IsSiteIdChar);

    public static void EnsureValidSiteId(string? siteId)
    {
        if (!IsValidSiteId(siteId))
        {
            throw new InvalidRequestException(
                "siteId",
                $"A site id is 1 to {MaxSiteIdLength} characters of A-Z, a-z, 0-9, '.', '_' and '-'.");
        }
    }

    /// <summary>A role is 1 to <see cref="MaxRoleLength"/> characters without control characters.</summary>
    public static bool IsValidRole(string? role) => role is { Length: > 0 and <= MaxRoleLength } && !role.Any(char.IsControl);

    public static void EnsureValid(OpenSessionRequest? request)
    {
        if (request is null)
        {
            throw new InvalidRequestException("request", "A request is required.");
        }

        var errors = new List<RequestError>();
        if (request.UserId is not { Length: > 0 and <= MaxUserIdLength } || request.UserId.Any(char.IsControl))
        {
            errors.Add(Error("userId", $"A user id is 1 to {MaxUserIdLength} characters, without control characters."));
        }

        CheckRoles(request.Roles, "roles", errors);

        if (request.ClientIp is not null && !IPAddress.TryParse(request.ClientIp, out _))
        {
            errors.Add(Error("clientIp", "The client ip must be an IPv4 or IPv6 address."));
        }

        if (request.UserAgent is { Length: > MaxUserAgentLength })
        {
            errors.Add(Error("userAgent", $"A user agent is at most {MaxUserAgentLength} characters."));
        }

        ThrowIfAny(errors);
    }

    public static void EnsureValid(SiteSettings settings)
    {
        var errors = new List<RequestError>();
        if (settings.Limit is < SiteSettings.Unlimited or > MaxLimit)
        {
            errors.Add(Error("limit", $"The limit is -1 (unlimited), 0 (closed) or a number of sessions up to {MaxLimit}."));
        }

        if (settings.IdleTimeout < MinIdleTimeout || settings.IdleTimeout > MaxIdleTimeout)
        {
            errors.Add(Error("idleTimeout", "The idle timeout is between 1 second and 30 days."));
        }

        if (!Enum.IsDefined(settings.OnFull))
        {
            errors.Add(Error("onFull", "The policy when full is 'Deny' or 'EvictIdlest'."));
        }

        if (settings.PerUserLimit is not (SiteSettings.Unlimited or (> 0 and <= MaxLimit)))
        {
            errors.Add(Error("perUserLimit", $"The per-user limit is -1 (none) or a number of sessions from 1 to {MaxLimit}."));
        }

        if (settings.MaxSessions is < 1 or > MaxLimit)
        {
            errors.Add(Error("maxSessions", $"The most sessions a site may hold is a number from 1 to {MaxLimit}."));
        }

        CheckRoles(settings.ExemptRoles, "exemptRoles", errors);

        if (settings.Message is not { Length: > 0 and <= MaxMessageLength } || string.IsNullOrWhiteSpace(settings.Message))
        {
            errors.Add(Error("message", $"The message is 1 to {MaxMessageLength} characters."));
        }

        ThrowIfAny(errors);
    }

    private static void CheckRoles(IReadOnlyList<string>? roles, string field, List<RequestError> errors)
    {
        if (roles is null)
        {
            errors.Add(Error(field, "Roles must be a list (it may be empty)."));
        }
        else if (roles.Count > MaxRoles)
        {
            errors.Add(Error(field, $"At most {MaxRoles} roles."));
        }
        else if (!roles.All(IsValidRole))
        {
            errors.Add(Error(field, $"A role is 1 to {MaxRoleLength} characters, without control characters."));
        }
    }

    private static bool IsSiteIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';

    private static RequestError Error(string field, string message) => new() { Field = field, Message = message };

    private static void ThrowIfAny(List<RequestError> errors)
    {
        if (errors.Count > 0)
        {
            throw new InvalidRequestException(errors);
        }
    }
}
