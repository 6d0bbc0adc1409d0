namespace SessionGrains.Server.Auth;

/// <summary>The operator's key, held only as a hash in memory.</summary>
public sealed class AdminKey(byte[] hash)
{
    public bool Matches(string presented) => ApiKeys.Matches(presented, hash);
}
