using Microsoft.Extensions.Options;

namespace SessionGrains.Grains.Sites;

/// <summary>The configured defaults obey the same rules as settings an operator sets at run time.</summary>
internal sealed class SiteDefaultsOptionsValidator : IValidateOptions<SiteDefaultsOptions>
{
    public ValidateOptionsResult Validate(string? name, SiteDefaultsOptions options)
    {
        try
        {
            RequestRules.EnsureValid(options.ToSettings());
            return ValidateOptionsResult.Success;
        }
        catch (InvalidRequestException ex)
        {
            return ValidateOptionsResult.Fail(ex.Errors.Select(e => $"{SiteDefaultsOptions.SectionName}:{e.Field}: {e.Message}"));
        }
    }
}
