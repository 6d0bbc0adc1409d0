using Orleans.Storage;

namespace SessionGrains;

/// <summary>Tells, from what a grain call threw, whether the cause is storage the cluster cannot reach.</summary>
public static class ClusterFaults
{
    /// <summary>
    /// True for <see cref="StorageUnavailableException"/> (every database fault becomes one), also when Orleans wraps
    /// it (a grain whose state cannot be read fails to activate, and the caller gets Orleans' activation error with
    /// ours inside), and for a write that lost to another activation's (<see cref="InconsistentStateException"/>).
    /// </summary>
    public static bool IsStorageFailure(Exception exception)
    {
        for (Exception? cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is StorageUnavailableException or InconsistentStateException)
            {
                return true;
            }
        }

        return false;
    }
}
