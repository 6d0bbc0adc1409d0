using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;
using SessionGrains.Server.Auth;
using SessionGrains.Server.Problems;

namespace SessionGrains.Server.Api.OpenApi;

/// <summary>
/// The problems of each operation, by status, each naming its codes: the endpoint's own (<see cref="ProblemResponse"/>)
/// and what every operation may answer: every operation needs a key (401 without a valid one, 403 when the key may not
/// do it), wrong keys are rate limited (429), the cluster may not answer (503), and an operation that reads a body refuses
/// one too large (413) or not JSON (415). Also says which key an operation takes.
/// </summary>
internal sealed class CommonResponses : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var keys = metadata.OfType<IAuthorizeData>().Any(data => data.Policy == AccessPolicies.Admin)
            ? "Takes the admin key."
            : "Takes the admin key, or the site's own key (`sgk_…`).";
        operation.Description = string.IsNullOrEmpty(operation.Description) ? keys : $"{keys} {operation.Description}";

        var codes = new SortedDictionary<int, List<string>>();
        void Add(int status, IEnumerable<string> more)
        {
            if (!codes.TryGetValue(status, out var list))
            {
                codes[status] = list = [];
            }

            list.AddRange(more.Except(list));
        }

        foreach (var declared in metadata.OfType<ProblemResponse>())
        {
            Add(declared.Status, declared.Codes);
        }

        Add(StatusCodes.Status401Unauthorized, [ProblemCodes.Unauthorized]);
        Add(StatusCodes.Status403Forbidden, [ProblemCodes.Forbidden]);
        Add(StatusCodes.Status429TooManyRequests, [ProblemCodes.RateLimited]);
        Add(StatusCodes.Status503ServiceUnavailable, [ProblemCodes.ServiceUnavailable, ProblemCodes.StorageUnavailable]);
        if (operation.RequestBody is not null)
        {
            Add(StatusCodes.Status400BadRequest, [ProblemCodes.InvalidJson]);
            Add(StatusCodes.Status413PayloadTooLarge, [ProblemCodes.BodyTooLarge]);
            Add(StatusCodes.Status415UnsupportedMediaType, [ProblemCodes.UnsupportedMediaType]);
        }

        operation.Responses ??= [];
        foreach (var (status, statusCodes) in codes)
        {
            operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
            {
                Description = $"{ReasonPhrases.GetReasonPhrase(status)}: {Listed(statusCodes)}.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema.Name, context.Document) },
                },
            };
        }

        return Task.CompletedTask;
    }

    private static string Listed(List<string> codes) => codes.Count == 1
        ? $"`{codes[0]}`"
        : $"{string.Join(", ", codes.Take(codes.Count - 1).Select(code => $"`{code}`"))} or `{codes[^1]}`";
}
