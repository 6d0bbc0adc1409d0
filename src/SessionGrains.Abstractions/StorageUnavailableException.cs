namespace SessionGrains;

/// <summary>
/// The cluster could not save a change (its database is unreachable, or another silo changed the same state
/// first), so it refused the request: nothing was admitted or changed. Safe to retry; sessions already admitted
/// keep working meanwhile.
/// </summary>
[GenerateSerializer]
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
        : this("The session service cannot save changes right now. Nothing was changed; please try again shortly.")
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
