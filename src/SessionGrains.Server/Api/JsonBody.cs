using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace SessionGrains.Server.Api;

/// <summary>
/// Reads a JSON request body with our own error handling, so that every malformed body becomes a problem with a
/// code (never a bare status or a 5xx), whatever went wrong: type, size, syntax or missing fields.
/// </summary>
public static class JsonBody
{
    public static async Task<T> ReadAsync<T>(HttpRequest request)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            throw new ApiProblemException(ApiProblems.UnsupportedMediaType());
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        // The whole body is read first (Kestrel caps it at ApiLimits.MaxBodyBytes), so a syntax error cannot leave
        // the connection's reader mid-read; the connection stays usable for the client's next request.
        using var buffer = new MemoryStream();
        try
        {
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new ApiProblemException(ApiProblems.BodyTooLarge(ApiLimits.MaxBodyBytes));
        }

        try
        {
            return JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), options)
                ?? throw new ApiProblemException(ApiProblems.InvalidJson("The body must be a JSON object, not null."));
        }
        catch (JsonException ex)
        {
            throw new ApiProblemException(ApiProblems.InvalidJson(Describe(ex)));
        }
    }

    // The serializer's own messages name .NET types; say what is wrong in the client's terms instead.
    private static string Describe(JsonException ex)
    {
        var at = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "" : $" at '{ex.Path}'";
        if (ex.Message.Contains("missing required properties", StringComparison.Ordinal))
        {
            return $"A required field is missing{at}: {ex.Message[(ex.Message.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()}";
        }

        if (ex.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return $"Unknown field{at}.";
        }

        if (ex.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            return $"A field is given twice{at}.";
        }

        return ex.LineNumber is null && ex.Path is null
            ? "The body is not valid JSON."
            : $"The value{at} is malformed or of the wrong type (line {ex.LineNumber + 1}, position {ex.BytePositionInLine}).";
    }
}

public static class ApiLimits
{
    public const long MaxBodyBytes = 64 * 1024;
}
