using System.Data.Common;
using Orleans.Storage;

namespace SessionGrains;

/// <summary>Tells, from what a grain call threw, whether the cause is storage the cluster cannot reach.</summary>
public static class ClusterFaults
{
    /// <summary>
    /// True for our own <see cref="StorageUnavailableException"/>, also when Orleans wraps it (a grain whose state
    /// cannot be read fails to activate, and the caller gets Orleans' activation error with ours inside), and for a
    /// database driver's own errors met in this process.
    /// </summary>
    public static bool IsStorageFailure(Exception exception)
    {
        for (Exception? cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is StorageUnavailableException or DbException or InconsistentStateException)
            {
                return true;
            }

            if (cause is AggregateException { InnerExceptions.Count: > 0 } aggregate && aggregate.InnerExceptions.Any(IsStorageFailure))
            {
                return true;
            }
        }

        return false;
    }
}
