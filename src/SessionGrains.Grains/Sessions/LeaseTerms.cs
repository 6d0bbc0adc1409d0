namespace SessionGrains.Grains.Sessions;

/// <summary>How far a site's lease reaches past a session's idle deadline.</summary>
public static class LeaseTerms
{
    /// <summary>
    /// A renewed lease runs half an idle timeout past the idle deadline it was renewed for. Touches inside that
    /// headroom need no renewal, so an active session renews at most about twice per idle timeout; and a session
    /// whose grain died counts at most that long past its last deadline the site heard of.
    /// </summary>
    public static TimeSpan Headroom(TimeSpan idleTimeout) => idleTimeout / 2;

    public static DateTimeOffset ExpiresAt(DateTimeOffset lastActivityAt, TimeSpan idleTimeout, bool exact) =>
        lastActivityAt + idleTimeout + (exact ? TimeSpan.Zero : Headroom(idleTimeout));
}
