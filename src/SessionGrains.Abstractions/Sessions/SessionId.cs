using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace SessionGrains;

/// <summary>
/// Identifies one session. 128 bits from a CSPRNG, so ids cannot be guessed or enumerated;
/// written as 32 lowercase hex digits.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct SessionId
{
    public SessionId(Guid value) => Value = value;

    [Id(0)]
    public Guid Value { get; init; }

    public static SessionId New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return new SessionId(new Guid(bytes));
    }

    public static bool TryParse([NotNullWhen(true)] string? text, out SessionId sessionId)
    {
        if (text is { Length: 32 } && Guid.TryParseExact(text, "N", out var value) && IsLowerHex(text))
        {
            sessionId = new SessionId(value);
            return true;
        }

        sessionId = default;
        return false;
    }

    /// <summary>Parses a session id or throws <see cref="InvalidRequestException"/>.</summary>
    public static SessionId Parse(string? text) =>
        TryParse(text, out var id)
            ? id
            : throw new InvalidRequestException("sessionId", "A session id is 32 lowercase hexadecimal digits.");

    public override string ToString() => Value.ToString("N");

    private static bool IsLowerHex(string text) => !text.Any(char.IsAsciiLetterUpper);
}
