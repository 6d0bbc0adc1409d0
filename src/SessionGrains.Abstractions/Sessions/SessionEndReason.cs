namespace SessionGrains;

/// <summary>Why a session stopped counting.</summary>
public enum SessionEndReason
{
    /// <summary>No activity for longer than the site's idle timeout.</summary>
    Idle,

    /// <summary>The user signed out.</summary>
    Logout,

    /// <summary>An operator ended the session.</summary>
    Kicked,

    /// <summary>The site was full, its policy is <see cref="FullSitePolicy.EvictIdlest"/>, and this session was the idlest.</summary>
    Evicted,
}
