using Orleans.Storage;

namespace SessionGrains.Persistence;

/// <summary>
/// Wraps the ADO.NET grain storage so that a database fault reaches callers as <see cref="StorageUnavailableException"/>.
/// A grain whose state cannot be read fails to activate before any of our code runs, and the driver's own exception
/// types cannot cross the wire to a caller on another silo or client; ours can, and it carries no connection detail.
/// </summary>
internal sealed class StorageFaultBoundary(IGrainStorage inner) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GuardAsync(inner.ReadStateAsync(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GuardAsync(inner.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        GuardAsync(inner.ClearStateAsync(stateName, grainId, grainState));

    /// <summary>
    /// What callers get for a database fault, from the grain storage and the state store alike: our own type, which
    /// can cross the wire (the driver's cannot) and names the fault's kind but no connection detail.
    /// </summary>
    public static StorageUnavailableException Unavailable(Exception fault) =>
        new($"The session service cannot reach its database right now ({fault.GetType().Name}); please try again shortly.");

    private static async Task GuardAsync(Task operation)
    {
        try
        {
            await operation;
        }
        catch (Exception ex) when (ex is not (InconsistentStateException or OperationCanceledException))
        {
            // The provider has logged the cause, which stays here: the driver's exception (and so any inner
            // exception that holds it) cannot be serialized. A write conflict stays what it is: another activation won.
            throw Unavailable(ex);
        }
    }
}
