namespace SessionGrains;

/// <summary>One thing wrong with a request, named by the field it concerns.</summary>
[GenerateSerializer, Immutable]
public sealed record RequestError
{
    [Id(0)]
    public required string Field { get; init; }

    [Id(1)]
    public required string Message { get; init; }
}

/// <summary>
/// A request was refused because its input is invalid. Nothing was changed.
/// Carries every problem found, so a caller can show them all at once.
/// </summary>
[GenerateSerializer]
public sealed class InvalidRequestException : Exception
{
    public InvalidRequestException(string field, string message)
        : this([new RequestError { Field = field, Message = message }])
    {
    }

    public InvalidRequestException(IReadOnlyList<RequestError> errors)
        : base(string.Join(" ", errors.Select(e => $"{e.Field}: {e.Message}")))
    {
        Errors = errors;
    }

    public InvalidRequestException()
        : this([])
    {
    }

    public InvalidRequestException(string message)
        : this("request", message)
    {
    }

    public InvalidRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [new RequestError { Field = "request", Message = message }];
    }

    [Id(0)]
    public IReadOnlyList<RequestError> Errors { get; private set; }
}
