using Microsoft.AspNetCore.Diagnostics;
using Orleans.Runtime;
using SessionGrains.Server.Admin;

namespace SessionGrains.Server.Api;

/// <summary>
/// Turns what handlers and grains throw into problems: a client's mistake is a 4xx that changed nothing;
/// a cluster that cannot answer is a 503; anything else is logged and is the only path to a 500.
/// </summary>
internal sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
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
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => ApiProblems.BodyTooLarge(ApiLimits.MaxBodyBytes),
            BadHttpRequestException bad => ApiProblems.InvalidJson(bad.Message),
            _ when ClusterFaults.IsStorageFailure(exception) => StorageUnavailable(exception),
            TimeoutException or SiloUnavailableException or OrleansMessageRejectionException => Unavailable(exception),
            _ => Unexpected(exception),
        };
        if (AdminErrorPage.Handles(httpContext))
        {
            await AdminErrorPage.WriteAsync(httpContext, problem);
            return true;
        }

        await problem.ExecuteAsync(httpContext);
        return true;
    }

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
