using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SessionGrains.Server.Api;

/// <summary>
/// Says what is wrong with a JSON body the framework could not bind, in the client's terms. The serializer's messages
/// name .NET types and are no contract, so this goes only by what is typed: whether the JSON reader failed, the JSON
/// path where binding stopped, and the body's own contract (its fields, and which of them are required).
/// </summary>
internal static class JsonBodyErrors
{
    /// <param name="error">What the serializer threw; null when there was no body to read (empty, or the literal null).</param>
    /// <param name="body">The contract of the body the endpoint takes.</param>
    public static string Describe(JsonException? error, JsonTypeInfo body)
    {
        if (error?.InnerException is JsonException)
        {
            // The reader's own error: the text is not JSON (broken syntax, a comment, a trailing comma).
            return $"The body is not valid JSON (line {error.LineNumber + 1}, position {error.BytePositionInLine}).";
        }

        if (FieldAt(error?.Path) is not { } field)
        {
            // Nothing inside the body to point at: it is missing, null, not an object, or lacks a required field.
            var required = body.Properties.Where(p => p.IsRequired).Select(p => $"'{p.Name}'").ToList();
            return required.Count == 0
                ? "The body must be a JSON object."
                : $"The body must be a JSON object with its required fields: {string.Join(", ", required)}.";
        }

        var names = body.Options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return body.Properties.Any(p => string.Equals(p.Name, field, names))
            ? $"The value at '{error!.Path}' is of the wrong type, or the field is given twice."
            : $"Unknown field at '{error!.Path}'.";
    }

    /// <summary>The body's field a JSON path starts with: "limit" in "$.limit", "roles" in "$.roles[1]", "a b" in "$['a b']".</summary>
    private static string? FieldAt(string? path)
    {
        if (path is null || path.Length < 3)
        {
            return null;
        }

        if (path.StartsWith("$['", StringComparison.Ordinal))
        {
            var end = path.IndexOf("']", 3, StringComparison.Ordinal);
            return end < 0 ? null : path[3..end];
        }

        var name = path[2..];
        var stop = name.IndexOfAny(['.', '[']);
        return stop < 0 ? name : name[..stop];
    }
}
