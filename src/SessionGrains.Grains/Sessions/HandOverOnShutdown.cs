using Microsoft.Extensions.Logging;
using SessionGrains.Grains.Sites;

namespace SessionGrains.Grains.Sessions;

/// <summary>
/// When the silo stops gracefully, and before it deactivates any grain, tells each site the exact idle deadlines
/// of its sessions hosted here. Afterwards the sites end those sessions on time by lease alone, and a session
/// touched again (here while the silo stops, on another silo, or after a restart) asks its site again and resumes
/// from the deadline its user really has.
/// </summary>
public sealed partial class HandOverOnShutdown(
    LocalSessions sessions,
    IGrainFactory grains,
    ILogger<HandOverOnShutdown> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    // Stops run from the last stage down: one above Active stops while the silo still takes every call.
    private const int Stage = ServiceLifecycleStage.Active + 1;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(HandOverOnShutdown), Stage, _ => Task.CompletedTask, HandOverAsync);

    /// <summary>
    /// The first step of the silo's stop; public so that the moment between it and the grains' deactivation, while they
    /// still answer, can be examined on its own.
    /// </summary>
    public async Task HandOverAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            // Not a graceful stop: there is no time to wait for sites. Leases end these sessions instead.
            return;
        }

        var handOvers = sessions.HandOver().Select(async site =>
        {
            try
            {
                await grains.GetGrain<ISiteLeaseGrain>(site.SiteId).HandOverAsync(site.Sessions).WaitAsync(cancellationToken);
                return site.Sessions.Count;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Those sessions' leases still end them, at most their headroom late.
                LogSiteHandOverFailed(ex, site.SiteId);
                return 0;
            }
        });

        var handedOver = (await Task.WhenAll(handOvers)).Sum();
        LogHandedOver(handedOver);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Handed the idle deadlines of {Count} live session(s) to their sites before shutdown")]
    private partial void LogHandedOver(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handing session deadlines to site {SiteId} before shutdown failed")]
    private partial void LogSiteHandOverFailed(Exception exception, string siteId);
}
