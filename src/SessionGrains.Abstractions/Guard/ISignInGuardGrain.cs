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

/// <summary>One sign-in attempt: who tries, from where.</summary>
[GenerateSerializer, Immutable]
public sealed record SignInAttempt
{
    /// <summary>The client's address (IPv4, or IPv6: counted per /64).</summary>
    [Id(0)]
    public required string ClientIp { get; init; }

    /// <summary>The user id the attempt is for, as typed (users who do not exist are counted too).</summary>
    [Id(1)]
    public required string UserId { get; init; }
}

/// <summary>What a guard found: blocked by the address, or by the user.</summary>
public enum BlockScope
{
    Address,
    User,
}

/// <summary>The answer to <see cref="ISignInGuardGrain.CheckAsync"/>.</summary>
[GenerateSerializer, Immutable]
public abstract record GuardVerdict;

/// <summary>The attempt may go on to the password check.</summary>
[GenerateSerializer, Immutable]
public sealed record SignInAllowed : GuardVerdict
{
    public static SignInAllowed Instance { get; } = new();
}

/// <summary>The attempt is refused without checking the password, whatever the password.</summary>
[GenerateSerializer, Immutable]
public sealed record SignInBlocked : GuardVerdict
{
    [Id(0)]
    public required BlockScope Scope { get; init; }

    [Id(1)]
    public required DateTimeOffset BlockedUntil { get; init; }

    /// <summary>The site's message for it, with the seconds left filled in.</summary>
    [Id(2)]
    public required string Message { get; init; }
}

/// <summary>A block an operator sees: what is blocked, until when, after how many failures.</summary>
[GenerateSerializer, Immutable]
public sealed record SignInBlock
{
    [Id(0)]
    public required BlockScope Scope { get; init; }

    /// <summary>The address (an IPv6 /64 as its prefix, <c>2001:db8:1:2::/64</c>) or the user id.</summary>
    [Id(1)]
    public required string Value { get; init; }

    [Id(2)]
    public required DateTimeOffset BlockedUntil { get; init; }
}

/// <summary>How much a site's guard holds: the addresses and users with recent failures or a block.</summary>
[GenerateSerializer, Immutable]
public sealed record GuardTracking
{
    [Id(0)]
    public required int Addresses { get; init; }

    [Id(1)]
    public required int Users { get; init; }
}
