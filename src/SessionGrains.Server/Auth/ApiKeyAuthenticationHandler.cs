using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
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
    KeyVerifier keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
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

        return await keys.IdentifyAsync(header[BearerPrefix.Length..].Trim()) switch
        {
            { IsAdmin: true } => Success(new Claim(ApiClaims.Role, ApiClaims.Admin)),
            { SiteId: { } siteId } => Success(new Claim(ApiClaims.Role, ApiClaims.Site), new Claim(ApiClaims.SiteId, siteId)),
            _ => AuthenticateResult.Fail("Unknown key."),
        };
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
