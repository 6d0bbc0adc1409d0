namespace SessionGrains.Grains.Sites;

/// <summary>
/// A site whose write failed because its database is away: its memory may be ahead of storage, so nothing more is
/// decided from it until the site has reloaded from storage. Every call tries that first (one attempt at a time), and
/// so does a timer every <see cref="ProbeInterval"/> for a site nobody calls; the first that succeeds ends the outage
/// for the site. Meanwhile the site still answers lease lookups for the sessions it holds: each of them is stored, or
/// its id was never given to anyone. So a session admitted before an outage can start its grain during it (its first
/// touch), where a fresh activation could not even load the site.
/// </summary>
/// <remarks>
/// A write that lost to another activation's is not an outage: that activation is behind storage and goes at once.
/// </remarks>
internal sealed class StorageRecovery(IGrainBase site, Func<Task> reloadAsync)
{
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    private IGrainTimer? _probe;
    private Task? _attempt;

    public void Start() => _probe ??= site.RegisterGrainTimer(
        ProbeAsync,
        new GrainTimerCreationOptions(ProbeInterval, ProbeInterval) { KeepAlive = true, Interleave = true });

    /// <summary>
    /// Completes once the site reloaded; throws <see cref="StorageUnavailableException"/> while the database is away.
    /// Calls that arrive during an attempt share it; a failed attempt is replaced by the next call's.
    /// </summary>
    public Task ReloadAsync()
    {
        if (_attempt is null || _attempt.IsFaulted || _attempt.IsCanceled)
        {
            _attempt = AttemptAsync();
        }

        return _attempt;
    }

    private async Task AttemptAsync()
    {
        await reloadAsync();
        _probe?.Dispose();
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ReloadAsync();
        }
        catch (StorageUnavailableException)
        {
            // Still away: the next probe, or call, tries again.
        }
    }
}
