namespace SessionGrains.Server.Api.OpenApi;

/// <summary>
/// Endpoint metadata: the problem codes an endpoint answers with at one status, beside those every endpoint may answer
/// (<see cref="CommonResponses"/>), so the OpenAPI document names, per operation and status, the codes a client meets.
/// </summary>
internal sealed record ProblemResponse(int Status, IReadOnlyList<string> Codes);

internal static class ProblemResponseExtensions
{
    /// <summary>Declares that the endpoint answers <paramref name="status"/> with a problem of one of <paramref name="codes"/>.</summary>
    public static RouteHandlerBuilder Answers(this RouteHandlerBuilder endpoint, int status, params string[] codes) =>
        endpoint.WithMetadata(new ProblemResponse(status, codes));
}
