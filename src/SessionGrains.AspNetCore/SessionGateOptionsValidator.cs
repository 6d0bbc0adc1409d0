using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

internal sealed class SessionGateOptionsValidator : IValidateOptions<SessionGateOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionGateOptions options)
    {
        var failures = new List<string>();
        if (!RequestRules.IsValidSiteId(options.SiteId))
        {
            failures.Add($"{SessionGateOptions.SectionName}:SiteId must be 1 to {RequestRules.MaxSiteIdLength} characters of A-Z, a-z, 0-9, '.', '_' and '-'.");
        }

        if (string.IsNullOrWhiteSpace(options.AuthenticationScheme))
        {
            failures.Add($"{SessionGateOptions.SectionName}:AuthenticationScheme must name the cookie scheme to guard.");
        }

        if (options.TouchInterval < TimeSpan.Zero || options.TouchInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"{SessionGateOptions.SectionName}:TouchInterval must be between 0 and 1 hour.");
        }

        if (string.IsNullOrWhiteSpace(options.UserIdClaimType) || string.IsNullOrWhiteSpace(options.NoticeCookieName))
        {
            failures.Add($"{SessionGateOptions.SectionName}:UserIdClaimType and NoticeCookieName must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.WaitingCookieName))
        {
            failures.Add($"{SessionGateOptions.SectionName}:WaitingCookieName must not be empty.");
        }

        if (!options.WaitingPagePath.StartsWith('/') || options.WaitingPagePath.Length < 2 || options.WaitingPagePath.EndsWith('/')
            || !Uri.IsWellFormedUriString(options.WaitingPagePath, UriKind.Relative))
        {
            failures.Add($"{SessionGateOptions.SectionName}:WaitingPagePath must be a path such as /waiting-line: starting with '/', not ending with one.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
