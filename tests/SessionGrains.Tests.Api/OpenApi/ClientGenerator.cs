using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;
using NJsonSchema.CodeGeneration.CSharp;

namespace SessionGrains.Tests.Api.OpenApi;

/// <summary>
/// Generates a C# client from the server's OpenAPI document with NSwag, as a user of the API would, with no hand edits:
/// the suite holds its output (<see cref="CommittedPath"/>), compiles it, and runs the README's scenario with it.
/// </summary>
public static class ClientGenerator
{
    public const string Namespace = "SessionGrains.Tests.Api.OpenApi.Generated";

    public static string CommittedPath => Path.Combine(Repository.Root, "tests", "SessionGrains.Tests.Api", "OpenApi", "Generated", "SessionGrainsApi.g.cs");

    public static async Task<string> GenerateAsync(string documentJson)
    {
        var document = await NSwag.OpenApiDocument.FromJsonAsync(documentJson);

        // The address the document was served from is this test server's; the client takes its address from its HttpClient.
        document.Servers.Clear();
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "SessionGrainsApi",
            UseBaseUrl = false,
            GenerateClientInterfaces = false,
            OperationNameGenerator = new SingleClientFromOperationIdOperationNameGenerator(),
            CSharpGeneratorSettings =
            {
                Namespace = Namespace,

                // Json.NET, the generator's default: its enum converter reads the API's words ("evict-idlest") as declared.
                JsonLibrary = CSharpJsonLibrary.NewtonsoftJson,
                GenerateNullableReferenceTypes = true,

                // A field only some problems carry (errors, reason, active) reads as null where it is absent.
                GenerateOptionalPropertiesAsNullable = true,
            },
        };
        return new CSharpClientGenerator(document, settings).GenerateFile().ReplaceLineEndings("\n");
    }
}
