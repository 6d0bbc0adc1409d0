namespace SessionGrains.Server.Api;

/// <summary>
/// Checks the route's <c>{siteId}</c> before the framework binds the endpoint's parameters. Binding reads a JSON body
/// before the handler runs, so the endpoints that take a body check their site id here: a bad site id is reported
/// before anything wrong with the body, as it is on the endpoints without one.
/// </summary>
internal static class SiteIdFirst
{
    public static RouteHandlerBuilder ChecksSiteIdFirst(this RouteHandlerBuilder endpoint)
    {
        endpoint.Add(builder =>
        {
            // A convention may wrap the endpoint's request delegate; the framework's own (bind, then call the handler)
            // is what it wraps, and runs only once the site id passed.
            var bindAndHandle = builder.RequestDelegate
                ?? throw new InvalidOperationException($"The endpoint {builder.DisplayName} has no request delegate.");
            builder.RequestDelegate = context =>
            {
                RequestRules.EnsureValidSiteId(context.GetRouteValue("siteId") as string);
                return bindAndHandle(context);
            };
        });
        return endpoint;
    }
}
