using Microsoft.Extensions.Options;

namespace SessionGrains.SampleWeb.Demo;

/// <summary>The demo's users: configuration section <c>Demo:Users</c>, keyed by user name.</summary>
public sealed class DemoUsersOptions
{
    public const string SectionName = "Demo";

    public Dictionary<string, DemoUser> Users { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed class DemoUser
{
    /// <summary>An ASP.NET Core Identity password hash: <c>dotnet SessionGrains.SampleWeb.dll hash-password &lt;password&gt;</c>.</summary>
    public string PasswordHash { get; set; } = "";

    public List<string> Roles { get; set; } = [];
}

internal sealed class DemoUsersOptionsValidator : IValidateOptions<DemoUsersOptions>
{
    public ValidateOptionsResult Validate(string? name, DemoUsersOptions options)
    {
        if (options.Users.Count == 0)
        {
            return ValidateOptionsResult.Fail("Demo:Users must list at least one user.");
        }

        var withoutHash = options.Users.Where(u => string.IsNullOrWhiteSpace(u.Value.PasswordHash)).Select(u => u.Key).ToList();
        return withoutHash.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Demo:Users:<name>:PasswordHash is missing for {string.Join(", ", withoutHash)}.");
    }
}
