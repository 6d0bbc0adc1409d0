using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

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
    public const int MaxGuardFailures = 100_000;
    public static readonly TimeSpan MaxGuardTime = TimeSpan.FromDays(1);

    public static bool IsValidSiteId(string? siteId) =>
        siteId is { Length: > 0 and <= MaxSiteIdLength } && !siteId.AsSpan().ContainsAnyExcept(SiteIdChars);

    public static void EnsureValidSiteId(string? siteId)
    {
        if (!IsValidSiteId(siteId))
        {
            throw new InvalidRequestException(
                "siteId",
                $"A site id is 1 to {MaxSiteIdLength} characters of A-Z, a-z, 0-9, '.', '_' and '-'.");
        }
    }

    /// <summary>A user id is 1 to <see cref="MaxUserIdLength"/> characters without control or format characters.</summary>
    public static bool IsValidUserId(string? userId) =>
        userId is { Length: > 0 and <= MaxUserIdLength } && !HasControlOrFormat(userId);

    /// <summary>A role is 1 to <see cref="MaxRoleLength"/> characters without control or format characters.</summary>
    public static bool IsValidRole(string? role) => role is { Length: > 0 and <= MaxRoleLength } && !HasControlOrFormat(role);

    /// <summary>A user agent is at most <see cref="MaxUserAgentLength"/> characters without control characters.</summary>
    public static bool IsValidUserAgent(string? userAgent) =>
        userAgent is null || (userAgent.Length <= MaxUserAgentLength && !HasControl(userAgent));

    /// <summary>
    /// Parses a client's address: IPv4 only as four dotted decimal numbers (not the short, octal or hexadecimal forms
    /// <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> also takes, which would let one address be written many
    /// ways), IPv6 in its usual text forms without brackets, port or zone.
    /// </summary>
    public static bool TryParseClientIp(string? text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text is null)
        {
            return false;
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            return text.Length <= MaxIpv6TextLength
                && !text.AsSpan().ContainsAnyExcept(Ipv6Chars)
                && IPAddress.TryParse(text, out address)
                && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        Span<byte> octets = stackalloc byte[4];
        var rest = text.AsSpan();
        for (var i = 0; i < octets.Length; i++)
        {
            // The last octet runs to the end, so a fifth part fails as a '.' in it.
            var end = i < octets.Length - 1 ? rest.IndexOf('.') : rest.Length;
            if (end < 0 || !TryParseDecimalOctet(rest[..end], out octets[i]))
            {
                return false;
            }

            rest = rest[Math.Min(end + 1, rest.Length)..];
        }

        address = new IPAddress(octets);
        return true;
    }

    /// <summary>
    /// The one way a valid client address is stored and shown: <see cref="IPAddress.ToString()"/> of the parsed address
    /// (lowercase, zeros compressed), with an IPv4-mapped IPv6 address (<c>::ffff:192.0.2.1</c>) as the IPv4 address it
    /// carries, so one client has one address whether its connection came in over IPv4 or IPv6.
    /// </summary>
    public static string? CanonicalClientIp(string? text) =>
        TryParseClientIp(text, out var address)
            ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()
            : text;

    public static void EnsureValid(OpenSessionRequest? request)
    {
        if (request is null)
        {
            throw new InvalidRequestException("request", "A request is required.");
        }

        var errors = new List<RequestError>();
        if (!IsValidUserId(request.UserId))
        {
            errors.Add(Error("userId", $"A user id is 1 to {MaxUserIdLength} characters, without control or format characters."));
        }

        CheckRoles(request.Roles, "roles", errors);

        if (request.ClientIp is not null && !TryParseClientIp(request.ClientIp, out _))
        {
            errors.Add(Error("clientIp", "The client ip is an IPv4 address as four decimal numbers (192.0.2.1) or an IPv6 address (2001:db8::1)."));
        }

        if (!IsValidUserAgent(request.UserAgent))
        {
            errors.Add(Error("userAgent", $"A user agent is at most {MaxUserAgentLength} characters, without control characters."));
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
            errors.Add(Error("onFull", "The policy when full is 'Deny', 'EvictIdlest' or 'Queue'."));
        }

        if (settings.MaxQueueLength is < 1 or > MaxLimit)
        {
            errors.Add(Error("maxQueueLength", $"The longest line is a number of tickets from 1 to {MaxLimit}."));
        }

        if (settings.ClaimTime < TimeSpan.FromSeconds(1) || settings.ClaimTime > MaxGuardTime)
        {
            errors.Add(Error("claimSeconds", $"A seat is held for 1 to {MaxGuardTime.TotalSeconds:0} seconds (a day)."));
        }

        if (settings.TicketTimeout < TimeSpan.FromSeconds(5) || settings.TicketTimeout > MaxGuardTime)
        {
            errors.Add(Error("ticketTimeoutSeconds", $"A ticket times out after 5 to {MaxGuardTime.TotalSeconds:0} seconds (a day)."));
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

        CheckMessage(settings.Message, "message", MessageTemplate.RefusalFigures, errors);
        CheckMessage(settings.ClosedMessage, "closedMessage", MessageTemplate.RefusalFigures, errors);
        CheckMessage(settings.UserLimitMessage, "userLimitMessage", MessageTemplate.RefusalFigures, errors);
        CheckGuard(settings.Guard, errors);

        ThrowIfAny(errors);
    }

    /// <summary>The sign-in guard's settings: fields named <c>guard.…</c>, as the HTTP API names them.</summary>
    private static void CheckGuard(GuardSettings? guard, List<RequestError> errors)
    {
        if (guard is null)
        {
            errors.Add(Error("guard", "The sign-in guard's settings are required."));
            return;
        }

        if (guard.MaxFailures is < 1 or > MaxGuardFailures)
        {
            errors.Add(Error("guard.maxFailures", $"The failures that block an address are a number from 1 to {MaxGuardFailures}."));
        }

        if (guard.PerUserMaxFailures is < 0 or > MaxGuardFailures)
        {
            errors.Add(Error("guard.perUserMaxFailures", $"The failures that block a user are 0 (not counted) or a number up to {MaxGuardFailures}."));
        }

        if (guard.Block < TimeSpan.FromSeconds(1) || guard.Block > MaxGuardTime)
        {
            errors.Add(Error("guard.blockSeconds", $"A block lasts 1 to {MaxGuardTime.TotalSeconds:0} seconds (a day)."));
        }

        if (guard.Window < TimeSpan.FromSeconds(1) || guard.Window > MaxGuardTime)
        {
            errors.Add(Error("guard.windowSeconds", $"The window lasts 1 to {MaxGuardTime.TotalSeconds:0} seconds (a day)."));
        }

        CheckMessage(guard.AddressMessage, "guard.addressMessage", MessageTemplate.BlockFigures, errors);
        CheckMessage(guard.UserMessage, "guard.userMessage", MessageTemplate.BlockFigures, errors);
    }

    private static void CheckMessage(string? message, string field, IReadOnlyList<string> figures, List<RequestError> errors)
    {
        if (message is not { Length: > 0 and <= MaxMessageLength } || string.IsNullOrWhiteSpace(message))
        {
            errors.Add(Error(field, $"The message is 1 to {MaxMessageLength} characters."));
        }
        else if (MessageTemplate.FindMistake(message, figures) is { } mistake)
        {
            errors.Add(Error(field, mistake));
        }
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
            errors.Add(Error(field, $"A role is 1 to {MaxRoleLength} characters, without control or format characters."));
        }
    }

    /// <summary>
    /// Control characters break logs and pages; format characters (Unicode Cf: bidi overrides such as U+202E, zero-width
    /// joiners and spaces, U+FEFF) make two ids that look the same differ, or one id look like another, on an operator's
    /// screen. Read by code point, so format characters outside the BMP (tags, U+E0001) count too.
    /// </summary>
    // Sign-ins are checked on the hot path of every admission and refusal (by the caller and again by the site), so the
    // checks below scan with vectorized span searches and do not allocate.
    private static readonly SearchValues<char> SiteIdChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    private static readonly SearchValues<char> Ipv6Chars = SearchValues.Create("0123456789ABCDEFabcdef:.");

    /// <summary>What <see cref="char.IsControl(char)"/> is true for: C0, DEL and C1.</summary>
    private static bool HasControl(ReadOnlySpan<char> text) =>
        text.ContainsAnyInRange('\u0000', '\u001f') || text.ContainsAnyInRange('\u007f', '\u009f');

    private static bool HasControlOrFormat(string text)
    {
        // Printable ASCII, what nearly every user id and role is, holds neither.
        if (!text.AsSpan().ContainsAnyExceptInRange(' ', '~'))
        {
            return false;
        }

        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>0 to 255 in decimal, without a sign or leading zeros (which some parsers read as octal).</summary>
    private static bool TryParseDecimalOctet(ReadOnlySpan<char> part, out byte octet)
    {
        octet = 0;
        if (part.Length is 0 or > 3 || part.ContainsAnyExceptInRange('0', '9') || (part.Length > 1 && part[0] == '0'))
        {
            return false;
        }

        var value = 0;
        foreach (var digit in part)
        {
            value = (value * 10) + (digit - '0');
        }

        octet = (byte)value;
        return value <= byte.MaxValue;
    }

    // The longest IPv6 text form: eight groups of four with an embedded IPv4 address at the end.
    private const int MaxIpv6TextLength = 45;

    private static RequestError Error(string field, string message) => new() { Field = field, Message = message };

    private static void ThrowIfAny(List<RequestError> errors)
    {
        if (errors.Count > 0)
        {
            throw new InvalidRequestException(errors);
        }
    }
}
