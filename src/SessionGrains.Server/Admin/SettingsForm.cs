using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using SessionGrains.Server.Problems;

namespace SessionGrains.Server.Admin;

/// <summary>
/// The site settings form as typed: text, parsed here so every mistake gets a message next to its own field.
/// The rules themselves are the grain's (<see cref="RequestRules"/>); its refusals are shown next to the same fields.
/// </summary>
public sealed class SettingsForm
{
    public const string Prefix = "Form";

    // The grain names its fields as the HTTP API does; the form shows them next to these inputs.
    private static readonly Dictionary<string, string> FieldsByRule = new(StringComparer.Ordinal)
    {
        ["limit"] = nameof(Limit),
        ["idleTimeout"] = nameof(IdleTimeoutMinutes),
        ["onFull"] = nameof(OnFull),
        ["perUserLimit"] = nameof(PerUserLimit),
        ["exemptRoles"] = nameof(ExemptRoles),
        ["message"] = nameof(Message),
        ["closedMessage"] = nameof(ClosedMessage),
        ["userLimitMessage"] = nameof(UserLimitMessage),
        ["maxSessions"] = nameof(MaxSessions),
        ["maxQueueLength"] = nameof(MaxQueueLength),
        ["claimSeconds"] = nameof(ClaimSeconds),
        ["ticketTimeoutSeconds"] = nameof(TicketTimeoutSeconds),
        ["guard.maxFailures"] = nameof(GuardMaxFailures),
        ["guard.blockSeconds"] = nameof(GuardBlockSeconds),
        ["guard.windowSeconds"] = nameof(GuardWindowSeconds),
        ["guard.perUserMaxFailures"] = nameof(GuardPerUserMaxFailures),
        ["guard.addressMessage"] = nameof(GuardAddressMessage),
        ["guard.userMessage"] = nameof(GuardUserMessage),
    };

    public string? Limit { get; set; }

    public string? IdleTimeoutMinutes { get; set; }

    public string? OnFull { get; set; }

    public string? PerUserLimit { get; set; }

    /// <summary>Comma-separated.</summary>
    public string? ExemptRoles { get; set; }

    public string? Message { get; set; }

    public string? ClosedMessage { get; set; }

    public string? UserLimitMessage { get; set; }

    public string? MaxSessions { get; set; }

    public string? MaxQueueLength { get; set; }

    public string? ClaimSeconds { get; set; }

    public string? TicketTimeoutSeconds { get; set; }

    /// <summary>"on" or "off".</summary>
    public string? GuardEnabled { get; set; }

    public string? GuardMaxFailures { get; set; }

    public string? GuardBlockSeconds { get; set; }

    public string? GuardWindowSeconds { get; set; }

    /// <summary>"restart" (an attempt while blocked restarts the block) or "keep".</summary>
    public string? GuardExtend { get; set; }

    public string? GuardPerUserMaxFailures { get; set; }

    public string? GuardAddressMessage { get; set; }

    public string? GuardUserMessage { get; set; }

    public static SettingsForm From(SiteSettings settings) => new()
    {
        Limit = settings.Limit.ToString(CultureInfo.InvariantCulture),
        IdleTimeoutMinutes = Math.Round(settings.IdleTimeout.TotalMinutes, 4).ToString(CultureInfo.InvariantCulture),
        OnFull = PolicyValue(settings.OnFull),
        PerUserLimit = settings.PerUserLimit.ToString(CultureInfo.InvariantCulture),
        ExemptRoles = string.Join(", ", settings.ExemptRoles),
        Message = settings.Message,
        ClosedMessage = settings.ClosedMessage,
        UserLimitMessage = settings.UserLimitMessage,
        MaxSessions = settings.MaxSessions.ToString(CultureInfo.InvariantCulture),
        MaxQueueLength = settings.MaxQueueLength.ToString(CultureInfo.InvariantCulture),
        ClaimSeconds = ((int)settings.ClaimTime.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        TicketTimeoutSeconds = ((int)settings.TicketTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        GuardEnabled = settings.Guard.Enabled ? "on" : "off",
        GuardMaxFailures = settings.Guard.MaxFailures.ToString(CultureInfo.InvariantCulture),
        GuardBlockSeconds = ((int)settings.Guard.Block.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        GuardWindowSeconds = ((int)settings.Guard.Window.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        GuardExtend = settings.Guard.ExtendWhileBlocked ? "restart" : "keep",
        GuardPerUserMaxFailures = settings.Guard.PerUserMaxFailures.ToString(CultureInfo.InvariantCulture),
        GuardAddressMessage = settings.Guard.AddressMessage,
        GuardUserMessage = settings.Guard.UserMessage,
    };

    public static string PolicyValue(FullSitePolicy policy) => ApiNames.Of(policy);

    public static string Key(string field) => $"{Prefix}.{field}";

    /// <summary>
    /// The change the form asks for, or null with every mistake added to <paramref name="errors"/>: what does not parse,
    /// and what breaks the site's rules among the rest, checked against <paramref name="current"/>, so every bad field
    /// is named at once.
    /// </summary>
    public SiteSettingsUpdate? ToUpdate(SiteSettings current, ModelStateDictionary errors)
    {
        var limit = ParseInt(Limit, nameof(Limit), "The limit is a whole number: -1 for unlimited, 0 to close the site.", errors);
        var perUser = ParseInt(PerUserLimit, nameof(PerUserLimit), "The per-user limit is a whole number: -1 for none.", errors);
        var maxSessions = ParseInt(MaxSessions, nameof(MaxSessions), "The most sessions is a whole number, 1 or more.", errors);
        TimeSpan? idle = null;
        if (double.TryParse(IdleTimeoutMinutes, NumberStyles.Float, CultureInfo.InvariantCulture, out var minutes) && double.IsFinite(minutes))
        {
            // Out of range stays out of range (the rules name it), but within what a TimeSpan holds.
            var seconds = Math.Clamp(Math.Round(minutes * 60), -1, RequestRules.MaxIdleTimeout.TotalSeconds + 1);
            idle = TimeSpan.FromSeconds(seconds);
        }
        else
        {
            errors.AddModelError(Key(nameof(IdleTimeoutMinutes)), "The idle timeout is a number of minutes from 0.0167 (one second) to 43200 (30 days).");
        }

        FullSitePolicy? policy = OnFull switch
        {
            "deny" => FullSitePolicy.Deny,
            "evict-idlest" => FullSitePolicy.EvictIdlest,
            "queue" => FullSitePolicy.Queue,
            _ => null,
        };
        if (policy is null)
        {
            errors.AddModelError(Key(nameof(OnFull)), "Choose deny, evict idlest or queue.");
        }

        var guard = GuardUpdate(errors);
        var maxQueue = ParseInt(MaxQueueLength, nameof(MaxQueueLength), "The longest line is a whole number of tickets.", errors);
        var claim = ParseInt(ClaimSeconds, nameof(ClaimSeconds), "The claim time is a whole number of seconds.", errors);
        var ticketTimeout = ParseInt(TicketTimeoutSeconds, nameof(TicketTimeoutSeconds), "The ticket timeout is a whole number of seconds.", errors);
        var update = new SiteSettingsUpdate
        {
            Guard = guard,
            MaxQueueLength = maxQueue,
            ClaimTime = claim is { } claimSeconds ? TimeSpan.FromSeconds(claimSeconds) : null,
            TicketTimeout = ticketTimeout is { } timeoutSeconds ? TimeSpan.FromSeconds(timeoutSeconds) : null,
            Limit = limit,
            IdleTimeout = idle,
            OnFull = policy,
            PerUserLimit = perUser,
            MaxSessions = maxSessions,
            ExemptRoles = [.. (ExemptRoles ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)],

            // An empty message is the rules' to refuse, next to the field, like every other rule.
            Message = Message ?? string.Empty,
            ClosedMessage = ClosedMessage ?? string.Empty,
            UserLimitMessage = UserLimitMessage ?? string.Empty,
        };
        if (errors.IsValid)
        {
            return update;
        }

        // A field that did not parse keeps its current value here, so the rules speak only of the others.
        try
        {
            RequestRules.EnsureValid(update.ApplyTo(current));
        }
        catch (InvalidRequestException refusal)
        {
            AddErrors(refusal, errors);
        }

        return null;
    }

    /// <summary>The sign-in guard's part of the change; what does not parse is named in <paramref name="errors"/> and left as it is.</summary>
    private GuardSettingsUpdate GuardUpdate(ModelStateDictionary errors)
    {
        var maxFailures = ParseInt(GuardMaxFailures, nameof(GuardMaxFailures), "The failures that block an address are a whole number.", errors);
        var block = ParseInt(GuardBlockSeconds, nameof(GuardBlockSeconds), "A block is a whole number of seconds.", errors);
        var window = ParseInt(GuardWindowSeconds, nameof(GuardWindowSeconds), "The window is a whole number of seconds.", errors);
        var perUser = ParseInt(GuardPerUserMaxFailures, nameof(GuardPerUserMaxFailures), "The failures that block a user are a whole number: 0 for not counted.", errors);
        return new GuardSettingsUpdate
        {
            Enabled = GuardEnabled switch { "on" => true, "off" => false, _ => null },
            MaxFailures = maxFailures,
            Block = block is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            Window = window is { } length ? TimeSpan.FromSeconds(length) : null,
            ExtendWhileBlocked = GuardExtend switch { "restart" => true, "keep" => false, _ => null },
            PerUserMaxFailures = perUser,
            AddressMessage = GuardAddressMessage ?? string.Empty,
            UserMessage = GuardUserMessage ?? string.Empty,
        };
    }

    /// <summary>Shows the grain's refusal of a change next to the fields it names.</summary>
    public static void AddErrors(InvalidRequestException refusal, ModelStateDictionary errors)
    {
        foreach (var error in refusal.Errors)
        {
            var key = FieldsByRule.TryGetValue(error.Field, out var field) ? Key(field) : string.Empty;
            if (errors[key] is not { Errors.Count: > 0 })
            {
                errors.AddModelError(key, error.Message);
            }
        }
    }

    private static int? ParseInt(string? text, string field, string message, ModelStateDictionary errors)
    {
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.AddModelError(Key(field), message);
        return null;
    }
}
