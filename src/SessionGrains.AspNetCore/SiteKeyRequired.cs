using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>An app that reaches the cluster as an Orleans client needs its site's key: checked at start-up.</summary>
internal sealed class SiteKeyRequired : IValidateOptions<SessionGateOptions>
{
    // sgk_ + a 32-digit id + _ + a 43-character secret.
    private const int SiteKeyLength = 80;

    public ValidateOptionsResult Validate(string? name, SessionGateOptions options) =>
        options.SiteKey is { Length: SiteKeyLength } key && key.StartsWith("sgk_", StringComparison.Ordinal) && !key.Any(char.IsWhiteSpace)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{SessionGateOptions.SectionName}:SiteKey must hold the site's key (sgk_…, {SiteKeyLength} characters), issued with the admin key by POST /api/sites/{{siteId}}/keys.");
}
