using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Orleans.Runtime;
using SessionGrains.Server.Problems;

namespace SessionGrains.Server.Api;

/// <summary>
/// Turns what handlers and grains throw into problems: a client's mistake is a 4xx that changed nothing;
/// a cluster that cannot answer is a 503; anything else is logged and is the only path to a 500.
/// </summary>
internal sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger, IOptions<JsonOptions> json) : IExceptionHandler
{
    // Not an HTTP status a client ever sees; it marks the request in logs and metrics as abandoned by the client.
    private const int StatusCodeClientClosedRequest = 499;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody is left to answer, and it is not our error.
            httpContext.Response.StatusCode = StatusCodeClientClosedRequest;
            return true;
        }

        var problem = exception switch
        {
            ApiProblemException known => known.Problem,
            InvalidRequestException invalid => ApiProblems.InvalidRequest(invalid.Errors),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => ApiProblems.BodyTooLarge(RequestLimits.MaxBodyBytes),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => ApiProblems.UnsupportedMediaType(),
            BadHttpRequestException bad when BodyContract(httpContext) is { } body => BodyNotBound(bad, body),
            BadHttpRequestException bad => ApiProblems.InvalidJson(bad.Message),
            InvalidOperationException when BodyContract(httpContext) is not null && HasUnknownCharset(httpContext.Request) => ApiProblems.UnsupportedMediaType(),
            _ when ClusterFaults.IsStorageFailure(exception) => StorageUnavailable(exception),
            TimeoutException or SiloUnavailableException or OrleansMessageRejectionException => Unavailable(exception),
            _ => Unexpected(exception),
        };
        if (ProblemPage.Handles(httpContext))
        {
            await ProblemPage.WriteAsync(httpContext, problem);
            return true;
        }

        await problem.ExecuteAsync(httpContext);
        return true;
    }

    /// <summary>
    /// The contract of the JSON body the failed endpoint binds: the framework records its type as accepts metadata.
    /// The endpoint is read from the feature, as the exception handler runs with the request's endpoint cleared.
    /// </summary>
    private JsonTypeInfo? BodyContract(HttpContext httpContext) =>
        httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType is { } type
            ? json.Value.SerializerOptions.GetTypeInfo(type)
            : null;

    /// <summary>
    /// The body could not be bound: the serializer's error is inside the framework's exception, and without one there
    /// was no body to read (the route's ids are plain strings, so nothing else on these endpoints fails to bind).
    /// </summary>
    private static IResult BodyNotBound(BadHttpRequestException exception, JsonTypeInfo body) =>
        ApiProblems.InvalidJson(JsonBodyErrors.Describe(exception.InnerException as JsonException, body));

    /// <summary>
    /// A JSON content type whose charset .NET does not know: the framework's JSON reader cannot decode the body and
    /// throws an InvalidOperationException, which is the client's mistake (415), not ours.
    /// </summary>
    private static bool HasUnknownCharset(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && !StringSegment.IsNullOrEmpty(type.Charset) && type.Encoding is null;

    private IResult Unavailable(Exception exception)
    {
        LogUnavailable(exception);
        return ApiProblems.ServiceUnavailable();
    }

    private IResult StorageUnavailable(Exception exception)
    {
        LogStorageUnavailable(exception.GetType().Name, exception.Message);
        return ApiProblems.StorageUnavailable();
    }

    private IResult Unexpected(Exception exception)
    {
        LogUnexpected(exception);
        return ApiProblems.InternalError();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cluster did not answer a request in time")]
    private partial void LogUnavailable(Exception exception);

    // Not the whole exception: during an outage every request fails the same way, and the silo logs the cause once.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a request: storage unavailable ({ExceptionType}: {Reason})")]
    private partial void LogStorageUnavailable(string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A request failed unexpectedly")]
    private partial void LogUnexpected(Exception exception);
}
