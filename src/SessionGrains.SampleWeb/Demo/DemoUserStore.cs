using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace SessionGrains.SampleWeb.Demo;

/// <summary>Checks demo users' passwords against their configured hashes (PBKDF2, ASP.NET Core Identity's format).</summary>
public sealed class DemoUserStore(IOptions<DemoUsersOptions> options)
{
    private static readonly PasswordHasher<string> Hasher = new();

    // Checked when the user name is unknown, so a wrong name takes as long as a wrong password.
    private static readonly string DecoyHash = Hasher.HashPassword("", "decoy");

    public static string HashPassword(string password) => Hasher.HashPassword("", password);

    /// <summary>The signed-in principal for a correct user name and password; null otherwise.</summary>
    public ClaimsPrincipal? Authenticate(string userName, string password)
    {
        var found = options.Value.Users.TryGetValue(userName, out var user);
        var verdict = Hasher.VerifyHashedPassword("", found ? user!.PasswordHash : DecoyHash, password);
        if (!found || verdict == PasswordVerificationResult.Failed)
        {
            return null;
        }

        var name = options.Value.Users.Keys.First(k => string.Equals(k, userName, StringComparison.OrdinalIgnoreCase));
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, name), new Claim(ClaimTypes.Name, name), .. user!.Roles.Select(r => new Claim(ClaimTypes.Role, r))],
            Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme);
        return new ClaimsPrincipal(identity);
    }
}

public static class DemoUsersRegistration
{
    public static IServiceCollection AddDemoUsers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DemoUsersOptions>().Bind(configuration.GetSection(DemoUsersOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DemoUsersOptions>, DemoUsersOptionsValidator>();
        services.AddSingleton<DemoUserStore>();
        return services;
    }
}
