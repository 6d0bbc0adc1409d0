namespace SessionGrains;

/// <summary>
/// One per session (key: the session id, extended with its site id, so a session id only means something on its own site).
/// Tracks the session's idle time and ends it when the user has been idle past the site's idle timeout. It starts on the
/// session's first touch; until then its site tracks the session alone. A sign-out goes to the site
/// (<see cref="ISiteGrain.SignOutAsync"/>).
/// </summary>
public interface ISessionGrain : IGrainWithGuidCompoundKey
{
    /// <summary>Records user activity. Cheap: it answers from memory and rarely needs the site.</summary>
    [SiteScoped]
    Task<TouchResult> TouchAsync();

    /// <summary>The session's state, like <see cref="TouchAsync"/> answers it, but without counting as activity.</summary>
    [SiteScoped]
    Task<TouchResult> PeekAsync();
}
