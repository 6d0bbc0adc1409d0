using Microsoft.Extensions.Options;

namespace SessionGrains.Persistence.State;

internal sealed class EndedSessionsOptionsValidator : IValidateOptions<EndedSessionsOptions>
{
    public ValidateOptionsResult Validate(string? name, EndedSessionsOptions options) =>
        options.KeptPerSite is >= 1 and <= EndedSessionsOptions.MaxKeptPerSite
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{EndedSessionsOptions.SectionName}:{nameof(EndedSessionsOptions.KeptPerSite)} must be a whole number from 1 to {EndedSessionsOptions.MaxKeptPerSite}.");
}
