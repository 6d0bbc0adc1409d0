using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

// The floor of the HTTP rows: the benchmark's own requests answered at once, in the server's shapes, by ASP.NET Core
// with its defaults and nothing else (no key check, no grain, no storage, no middleware). Run like the server, in its
// own process with the Web SDK's defaults (server GC), what it reaches on a machine bounds any ASP.NET Core server there.
var builder = WebApplication.CreateBuilder(args);
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, FloorJson.Default));
var app = builder.Build();

app.MapGet("/healthz", () => "Healthy");

// A touch: two route values in, the idle deadline out.
app.MapPost("/api/sites/{siteId}/sessions/{sessionId}/touch", (string siteId, string sessionId) =>
    TypedResults.Ok(new Touched(DateTimeOffset.UtcNow.AddHours(1))));

// A sign-in on a full site: the body read and bound, a problem document out, as the server refuses it.
app.MapPost("/api/sites/{siteId}/sessions/", ProblemHttpResult (string siteId, SignIn body) => TypedResults.Problem(
    statusCode: StatusCodes.Status429TooManyRequests,
    title: "The site is full.",
    detail: $"Sorry, there are already 1000 users working on {siteId}. Please try again later.",
    extensions: new Dictionary<string, object?> { ["code"] = "site_full", ["active"] = 1000, ["limit"] = 1000 }));

app.Run();

internal sealed record Touched(DateTimeOffset IdleExpiresAt);

internal sealed record SignIn(string UserId, string? ClientIp, string? UserAgent);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Touched))]
[JsonSerializable(typeof(SignIn))]
internal sealed partial class FloorJson : JsonSerializerContext;
