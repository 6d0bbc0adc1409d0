using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace SessionGrains.Server.Api.OpenApi;

/// <summary>What the document says of itself: its title and purpose, its tags, and a server address without a trailing slash.</summary>
internal sealed class DocumentFacts : IOpenApiDocumentTransformer
{
    public const string SitesTag = "Sites";
    public const string SessionsTag = "Sessions";
    public const string GuardTag = "Sign-in guard";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "SessionGrains";
        document.Info.Description =
            "Sessions limits for web sites: how many users may work on a site at once. A site's web app asks for a seat at " +
            "sign-in, touches the session while the user works, and ends it at sign-out. Every error is a problem " +
            "(`application/problem+json`) with a stable `code`.";

        // Clients join paths to this address: "http://host/" + "/api/…" would double the slash.
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = SitesTag, Description = "Sites and their settings, counts, history and keys. Settings, the site list and keys take the admin key; a site's own key may read its site." },
            new() { Name = SessionsTag, Description = "Seats: open a session at sign-in, touch it on activity, end it at sign-out (or kick it, with the admin key). A site's web app calls these with its site key." },
            new() { Name = GuardTag, Description = "Failed sign-ins that block an address or a user for a while: the site's app checks before a password check and reports after it (its site key); operators see and lift blocks (the admin key)." },
        };
        return Task.CompletedTask;
    }
}
