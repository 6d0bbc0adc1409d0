namespace SessionGrains.Persistence.Secrets;

/// <summary>
/// The ids of the site keys stored when the silo started. Key ids issued today carry check digits and need no list;
/// keys issued before they did are recognised by this list, so they keep working and a made-up id still costs no
/// grain call. It never has to grow: every key issued from now on has check digits.
/// </summary>
public sealed class LegacySiteKeyIds
{
    private readonly TaskCompletionSource<IReadOnlySet<string>> _ids = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask<bool> ContainsAsync(string keyId)
    {
        var ids = _ids.Task.IsCompletedSuccessfully ? _ids.Task.Result : await _ids.Task;
        return ids.Contains(keyId);
    }

    internal void Loaded(IReadOnlySet<string> ids) => _ids.TrySetResult(ids);

    internal void Failed(Exception exception) => _ids.TrySetException(exception);
}
