using Microsoft.AspNetCore.Authorization;

namespace SessionGrains.Server.Auth;

/// <summary>
/// Who may call what: <see cref="Admin"/> endpoints need the admin key; <see cref="SiteOrAdmin"/> endpoints
/// also accept the key of the site named in the route, and no other site's; <see cref="Operator"/> pages (the admin
/// UI and the Orleans dashboard) need an operator signed in with the admin key (a cookie).
/// </summary>
public static class AccessPolicies
{
    public const string Admin = "admin";

    public const string SiteOrAdmin = "site-or-admin";

    public const string Operator = "operator";

    /// <summary>The cookie scheme of operators signed in to the admin UI.</summary>
    public const string OperatorScheme = "OperatorCookie";

    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(Admin, policy => policy
            .AddAuthenticationSchemes(ApiClaims.Scheme)
            .RequireClaim(ApiClaims.Role, ApiClaims.Admin));
        options.AddPolicy(SiteOrAdmin, policy => policy
            .AddAuthenticationSchemes(ApiClaims.Scheme)
            .RequireAuthenticatedUser()
            .AddRequirements(new OwnSiteRequirement()));
        options.AddPolicy(Operator, policy => policy
            .AddAuthenticationSchemes(OperatorScheme)
            .RequireClaim(ApiClaims.Role, ApiClaims.Admin));
    }
}

internal sealed class OwnSiteRequirement : AuthorizationHandler<OwnSiteRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OwnSiteRequirement requirement)
    {
        var routeSite = (context.Resource as HttpContext)?.GetRouteValue("siteId") as string;
        if (context.User.IsAdmin() || (routeSite is not null && context.User.HasClaim(ApiClaims.SiteId, routeSite)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
