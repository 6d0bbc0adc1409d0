using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using SessionGrains.Server.Api.OpenApi;
using SessionGrains.Server.Auth;
using SessionGrains.Server.Hosting;
using SessionGrains.Server.Problems;
using SessionGrains.Server.RateLimits;

namespace SessionGrains.Server.Api;

public static class ApiRegistration
{
    /// <summary>The HTTP API's services: JSON rules, problems, authentication by key, access policies and the OpenAPI document.</summary>
    public static IHostApplicationBuilder AddSessionGrainsApi(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // Bodies are bound by the framework (a [FromBody] parameter), under Kestrel's limit for every request.
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes);
        services.ConfigureHttpJsonOptions(json =>
        {
            var options = json.SerializerOptions;
            options.Converters.Add(new JsonStringEnumConverter(ApiNames.EnumPolicy, allowIntegerValues: false));

            // A misspelt or repeated field is refused rather than silently ignored, and so is a number sent as a
            // string ("5"), which the web defaults would accept. RespectNullableAnnotations stays off: a null userId
            // is refused by RequestRules, as on every entry point, with invalid_request and the field's name.
            options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            options.AllowDuplicateProperties = false;
            options.NumberHandling = JsonNumberHandling.Strict;
        });

        // A body that cannot be bound becomes an exception (BadHttpRequestException, with the JsonException inside)
        // for ApiExceptionHandler to answer with a problem, instead of a bare status (the default outside Development).
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);

        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context => ApiProblems.Complete(context.ProblemDetails));
        services.AddExceptionHandler<ApiExceptionHandler>();

        services.AddSingleton<SiteAdmissions>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiClaims.Scheme, configureOptions: null);
        services.AddAuthorization(AccessPolicies.Add);

        services.AddOpenApi(openApi =>
        {
            openApi.AddDocumentTransformer<DocumentFacts>();
            openApi.AddDocumentTransformer<BearerKeyDocumentTransformer>();
            openApi.AddDocumentTransformer<ProblemSchema>();
            openApi.AddOperationTransformer<CommonResponses>();
        });
        builder.AddSessionGrainsRateLimits();
        return builder;
    }

    public static WebApplication UseSessionGrainsApi(this WebApplication app)
    {
        // Resolve the admin key now: a missing or unreadable key file fails the start, and the log says where it is.
        app.Services.GetRequiredService<AdminKey>();

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseApiKeyFailureLimit();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseSessionGrainsRateLimits();
        return app;
    }

    public static WebApplication MapSessionGrainsApi(this WebApplication app)
    {
        var api = app.MapGroup("/api");
        SiteEndpoints.Map(api);
        SessionEndpoints.Map(api);
        TicketEndpoints.Map(api);
        UsageEndpoints.Map(api);
        GuardEndpoints.Map(api);
        app.MapOpenApi();
        return app;
    }
}
