using SessionGrains.Grains.Sites.Storage;

namespace SessionGrains.Server.Storage.Sites;

/// <summary>
/// Turns a database fault into <see cref="StorageUnavailableException"/>, like <see cref="StorageFaultBoundary"/>
/// does for the grain storage: the driver's exception cannot cross the wire, and carries connection details.
/// </summary>
internal static partial class SiteStoreFaults
{
    public static async Task<T> GuardAsync<T>(Task<T> operation, ILogger logger, string siteId)
    {
        try
        {
            return await operation.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (SiteWriteConflictException or OperationCanceledException))
        {
            LogFault(logger, ex, siteId);
            throw new StorageUnavailableException($"The session service cannot reach its database right now ({ex.GetType().Name}); please try again shortly.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site store: reading or writing site {SiteId} failed")]
    private static partial void LogFault(ILogger logger, Exception exception, string siteId);
}
