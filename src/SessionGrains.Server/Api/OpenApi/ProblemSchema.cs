using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SessionGrains.Server.Problems;

namespace SessionGrains.Server.Api.OpenApi;

/// <summary>
/// Declares the problem every error is (<see cref="ApiProblems"/>) in full, under the name the framework gives it
/// (<c>ProblemDetails</c>): the RFC 9457 fields, the stable <c>code</c> as an enum, and the fields some codes add. Open to
/// more fields, so a client built today keeps reading problems that carry more tomorrow.
/// </summary>
internal sealed class ProblemSchema : IOpenApiDocumentTransformer
{
    public const string Name = "ProblemDetails";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[Name] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "An RFC 9457 problem. Branch on `code`; `detail` is a sentence for people.",
            Required = new HashSet<string> { "type", "title", "status", "detail", "code" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Text("Where the status is defined.", "uri-reference"),
                ["title"] = Text("The kind of problem, the same for every problem with this code."),
                ["status"] = Integer("The HTTP status."),
                ["detail"] = Text("What happened, for people: for a refusal, the site's message to its user."),
                ["instance"] = Text("The request's path."),
                ["code"] = Words("What went wrong, stable: clients branch on it.", ProblemCodes.All),
                ["traceId"] = Text("Names the request in the server's log."),
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "`invalid_request`: every bad field, by its name, with what is wrong with it.",
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = Text("What is wrong with the field.") },
                },
                ["reason"] = Words("`session_ended`: why the session ended.", [.. Enum.GetValues<SessionEndReason>().Select(ApiNames.Of)]),
                ["active"] = Integer("A refusal (`site_full`, `user_limit`, `max_sessions`, `site_closed`): the sessions counted when it was decided."),
                ["limit"] = Integer("A refusal: the site's limit when it was decided (-1: unlimited; 0: closed)."),
                ["scope"] = Words("`sign_in_blocked`: what is blocked.", [.. Enum.GetValues<BlockScope>().Select(ApiNames.Of)]),
                ["blockedUntil"] = Text("`sign_in_blocked`: when the block ends (unless an attempt restarts it).", "date-time"),
            },
        };
        return Task.CompletedTask;
    }

    private static OpenApiSchema Text(string description, string? format = null) =>
        new() { Type = JsonSchemaType.String, Format = format, Description = description };

    private static OpenApiSchema Integer(string description) =>
        new() { Type = JsonSchemaType.Integer, Format = "int32", Description = description };

    private static OpenApiSchema Words(string description, IEnumerable<string> words) =>
        new() { Type = JsonSchemaType.String, Description = description, Enum = [.. words.Select(word => (JsonNode)JsonValue.Create(word))] };
}
