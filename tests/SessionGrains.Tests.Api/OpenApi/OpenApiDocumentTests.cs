using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace SessionGrains.Tests.Api.OpenApi;

/// <summary>
/// The OpenAPI document as its readers use it: Redocly's linter finds nothing in it, and a C# client NSwag generates
/// from it is the one this suite compiles and runs (<see cref="GeneratedClientTests"/>).
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class OpenApiDocumentTests(ApiServer server)
{
    /// <summary>Set to 1 to write the client generated from today's document over the suite's copy.</summary>
    private const string UpdateVariable = "SESSIONGRAINS_UPDATE_CLIENT";

    [Fact]
    public async Task Redocly_recommended_rules_find_no_error_and_no_warning()
    {
        var document = Path.Combine(Path.GetTempPath(), $"sessiongrains-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(document, await DocumentAsync());
        try
        {
            var (exitCode, output) = await LintAsync(document);

            using var report = JsonDocument.Parse(output);
            var problems = report.RootElement.GetProperty("problems").EnumerateArray()
                .Select(problem => $"{problem.GetProperty("severity").GetString()} {problem.GetProperty("ruleId").GetString()}: {problem.GetProperty("message").GetString()}")
                .ToList();
            Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
            Assert.Equal(0, exitCode);
        }
        finally
        {
            File.Delete(document);
        }
    }

    [Fact]
    public async Task The_suites_generated_client_is_what_NSwag_makes_of_the_served_document()
    {
        var generated = await ClientGenerator.GenerateAsync(await DocumentAsync());

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(ClientGenerator.CommittedPath, generated);
        }

        var committed = (await File.ReadAllTextAsync(ClientGenerator.CommittedPath)).ReplaceLineEndings("\n");
        Assert.True(
            committed == generated,
            $"The API's document changed: regenerate the client with {UpdateVariable}=1 ./tests/run.sh api --filter {nameof(OpenApiDocumentTests)}, and review the difference.");
    }

    [Fact]
    public async Task Every_operation_names_its_key_and_problems_and_the_problem_declares_its_code()
    {
        using var document = JsonDocument.Parse(await DocumentAsync());
        var root = document.RootElement;

        var problem = root.GetProperty("components").GetProperty("schemas").GetProperty("ProblemDetails");
        Assert.False(problem.TryGetProperty("additionalProperties", out var extra) && extra.ValueKind == JsonValueKind.False);
        Assert.Equal(
            SessionGrains.Server.Problems.ProblemCodes.All,
            problem.GetProperty("properties").GetProperty("code").GetProperty("enum").EnumerateArray().Select(code => code.GetString()));
        Assert.Contains("code", problem.GetProperty("required").EnumerateArray().Select(field => field.GetString()));
        Assert.DoesNotContain(root.GetProperty("servers").EnumerateArray(), server => server.GetProperty("url").GetString()!.EndsWith('/'));

        var operations = root.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()).Select(method => method.Value).ToList();
        Assert.Equal(operations.Count, operations.Select(operation => operation.GetProperty("operationId").GetString()).Distinct().Count());
        foreach (var operation in operations)
        {
            var responses = operation.GetProperty("responses");
            Assert.True(responses.TryGetProperty("401", out _) && responses.TryGetProperty("403", out _), operation.GetProperty("operationId").GetString());
            Assert.Equal(operation.TryGetProperty("requestBody", out _), responses.TryGetProperty("413", out _) && responses.TryGetProperty("415", out _));
            Assert.StartsWith("Takes the admin key", operation.GetProperty("description").GetString(), StringComparison.Ordinal);
        }

        var open = root.GetProperty("paths").GetProperty("/api/sites/{siteId}/sessions").GetProperty("post");
        Assert.Contains("`site_full`", open.GetProperty("responses").GetProperty("429").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("Takes the admin key, or the site's own key (`sgk_…`).", open.GetProperty("description").GetString());
        var configure = root.GetProperty("paths").GetProperty("/api/sites/{siteId}").GetProperty("put");
        Assert.Equal("Takes the admin key.", configure.GetProperty("description").GetString());
    }

    private async Task<string> DocumentAsync()
    {
        using var anonymous = server.Anonymous();
        using var response = await anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Redocly's CLI, pinned in tests/openapi (installed by tests/run.sh), with the rules in its redocly.yaml.</summary>
    private static async Task<(int ExitCode, string Output)> LintAsync(string document)
    {
        var folder = Path.Combine(Repository.Root, "tests", "openapi");
        var cli = Path.Combine(folder, "node_modules", "@redocly", "cli", "bin", "cli.js");
        Assert.True(File.Exists(cli), $"{cli} is missing: tests/run.sh installs it (npm ci in tests/openapi).");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { cli, "lint", document, "--format=json", "--config", Path.Combine(folder, "redocly.yaml") },
        };
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var text = await output;
        Assert.True(text.TrimStart().StartsWith('{'), $"Redocly did not report: {text}{await errors}");
        return (process.ExitCode, text);
    }
}
