namespace SessionGrains;

/// <summary>
/// A site's sign-in guard (key: the site id): before checking a password the app asks whether the attempt may proceed
/// (<see cref="CheckAsync"/>), and afterwards it reports how the attempt went (<see cref="ReportAsync"/>). Failures are
/// counted per client address (an IPv4 address, an IPv6 /64) and per user id; too many within the site's window block
/// the address or the user for a while (<see cref="GuardSettings"/>). A success forgets both. Memory only, sharded per
/// site, never written to storage. Invalid input throws <see cref="InvalidRequestException"/> and changes nothing.
/// </summary>
public interface ISignInGuardGrain : IGrainWithStringKey
{
    /// <summary>May this attempt go on to the password check? An attempt while blocked may restart the block (see <see cref="GuardSettings.ExtendWhileBlocked"/>).</summary>
    [SiteScoped]
    Task<GuardVerdict> CheckAsync(SignInAttempt attempt);

    /// <summary>How the password check went. A failure counts against the address and the user; a success forgets both.</summary>
    [SiteScoped]
    Task ReportAsync(SignInAttempt attempt, bool succeeded);

    /// <summary>The addresses and users blocked now, soonest lifted first.</summary>
    Task<IReadOnlyList<SignInBlock>> GetBlocksAsync();

    /// <summary>An operator lifts a block and forgets its failures; false when nothing was blocked.</summary>
    Task<bool> LiftAsync(BlockScope scope, string value);

    /// <summary>How many addresses and users the guard holds now (bounded per site, see the deployment guide).</summary>
    Task<GuardTracking> GetTrackingAsync();
}
