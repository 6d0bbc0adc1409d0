using System.Buffers.Binary;
using System.Buffers.Text;

namespace SessionGrains.Grains.Sites;

/// <summary>
/// Where a page of sessions ended: the last session's start and id, the order pages follow. Sent as 32 characters of
/// base64url, opaque to clients. It holds no secret (a session id is visible on the page it came from).
/// </summary>
internal readonly record struct SessionCursor(long StartedTicks, Guid SessionId) : IComparable<SessionCursor>
{
    private const int Bytes = 24;

    public static SessionCursor Of(LiveSession session) => new(session.StartedAt.UtcTicks, session.SessionId.Value);

    public int CompareTo(SessionCursor other)
    {
        var byStart = StartedTicks.CompareTo(other.StartedTicks);
        return byStart != 0 ? byStart : SessionId.CompareTo(other.SessionId);
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Bytes];
        BinaryPrimitives.WriteInt64BigEndian(bytes, StartedTicks);
        SessionId.TryWriteBytes(bytes[8..]);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Reads a cursor this type wrote, or throws <see cref="InvalidRequestException"/>.</summary>
    public static SessionCursor Parse(string text)
    {
        Span<byte> bytes = stackalloc byte[Bytes + 3];
        // Only base64url's own characters reach the decoder, which would throw on others rather than say no.
        if (text.Length == 32 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') && Base64Url.TryDecodeFromChars(text, bytes, out var written) && written == Bytes)
        {
            var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes);
            if (ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks)
            {
                return new SessionCursor(ticks, new Guid(bytes[8..Bytes]));
            }
        }

        throw new InvalidRequestException("cursor", "The cursor is not one this API gave; start again without one.");
    }
}
