using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using SessionGrains.Server.Auth;
using SessionGrains.Server.Hosting;
using SessionGrains.Server.Problems;

namespace SessionGrains.Server.RateLimits;

/// <summary>
/// Every rate limit of the server, in one place, on ASP.NET Core's rate limiter: sign-ins per site (a token bucket per
/// site, after authentication), wrong API keys per client network, and wrong admin keys at the admin UI's sign-in
/// (<see cref="FailureLimits"/>). Over a limit the API answers 429 <c>rate_limited</c> with <c>Retry-After</c>.
/// Each limiter keeps state per partition only while it is in use: the framework's partitioned limiter drops a
/// partition some seconds after its bucket or window is full again.
/// </summary>
public static class RateLimitRegistration
{
    /// <summary>The policy of <c>POST /api/sites/{siteId}/sessions</c>.</summary>
    public const string SiteOpens = "site-opens";

    private static readonly TimeSpan OpenReplenishment = TimeSpan.FromSeconds(1);

    public static IHostApplicationBuilder AddSessionGrainsRateLimits(this IHostApplicationBuilder builder)
    {
        // Validated with the rest of the server's settings (SessionGrainsOptionsValidator) before the host is built.
        var options = builder.Configuration.GetSection(SessionGrainsOptions.SectionName).Get<SessionGrainsOptions>()?.RateLimits ?? new();
        builder.Services.AddSingleton(new FailureLimits(options));
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, _) => new ValueTask(ApiProblems
                .RateLimited(context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : OpenReplenishment)
                .ExecuteAsync(context.HttpContext));

            // Per site, not per key: issuing more keys buys a site no more sign-ins. The admin key is not limited.
            limiter.AddPolicy(SiteOpens, context => context.User.IsAdmin() || context.User.FindFirst(ApiClaims.SiteId)?.Value is not { } siteId
                ? RateLimitPartition.GetNoLimiter(string.Empty)
                : RateLimitPartition.GetTokenBucketLimiter(siteId, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.SiteOpenBurst,
                    TokensPerPeriod = options.SiteOpensPerSecond,
                    ReplenishmentPeriod = OpenReplenishment,
                    QueueLimit = 0,
                }));
        });
        return builder;
    }

    /// <summary>
    /// Before authentication: a client network over its wrong-key limit is refused before its key is even checked, so
    /// guessing stays slow; afterwards, an API request whose key was refused (401) counts against its network.
    /// </summary>
    public static WebApplication UseApiKeyFailureLimit(this WebApplication app)
    {
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/api") && context.Request.Headers.Authorization.Count > 0,
            api => api.Use(async (context, next) =>
            {
                var failures = context.RequestServices.GetRequiredService<FailureLimits>().ApiKeys;
                var address = context.Connection.RemoteIpAddress;
                if (failures.RetryAfter(address) is { } wait)
                {
                    await ApiProblems.RateLimited(wait).ExecuteAsync(context);
                    return;
                }

                await next(context);
                if (context.Response.StatusCode == StatusCodes.Status401Unauthorized)
                {
                    failures.Failed(address);
                }
            }));
        return app;
    }

    /// <summary>After authentication and authorization, so a policy can partition by the caller's site.</summary>
    public static WebApplication UseSessionGrainsRateLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }
}
