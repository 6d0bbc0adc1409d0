using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SessionGrains.Server.Hosting;
using SessionGrains.Server.Problems;

namespace SessionGrains.Server.Auth;

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c>: the admin key, or a site key. Challenges and refusals are written as
/// problems (401 with <c>WWW-Authenticate: Bearer</c>, 403), like every other API error.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    AdminKey adminKey,
    SiteKeyStore siteKeys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header is not a bearer key.");
        }

        var presented = header[BearerPrefix.Length..].Trim();
        if (presented.Length is 0 or > SessionGrainsOptions.MaxApiKeyLength)
        {
            return AuthenticateResult.Fail("The key is malformed.");
        }

        if (adminKey.Matches(presented))
        {
            return Success(new Claim(ApiClaims.Role, ApiClaims.Admin));
        }

        if (ApiKeys.TryParseSiteKey(presented, out var keyId, out var secret)
            && await siteKeys.FindAsync(keyId) is { } record
            && ApiKeys.Matches(secret, record.SecretHash))
        {
            return Success(
                new Claim(ApiClaims.Role, ApiClaims.Site),
                new Claim(ApiClaims.SiteId, record.SiteId));
        }

        return AuthenticateResult.Fail("Unknown key.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return ApiProblems.Unauthorized().ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.Forbidden().ExecuteAsync(Context);

    private static AuthenticateResult Success(params Claim[] claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(
            new ClaimsPrincipal(new ClaimsIdentity(claims, ApiClaims.Scheme)),
            ApiClaims.Scheme));
}
