namespace SessionGrains.Server.Api.Contracts;

/// <summary>Body of <c>POST /api/sites/{siteId}/sign-in-attempts/check</c>: who is about to try, from where.</summary>
public sealed record SignInAttemptBody
{
    /// <summary>The client's address: IPv4, or IPv6 (counted per /64).</summary>
    public required string ClientIp { get; init; }

    /// <summary>The user id as typed, whether or not such a user exists.</summary>
    public required string UserId { get; init; }

    public SignInAttempt ToAttempt() => new() { ClientIp = ClientIp, UserId = UserId };
}

/// <summary>Body of <c>POST /api/sites/{siteId}/sign-in-attempts</c>: how the password check went.</summary>
public sealed record SignInOutcomeBody
{
    public required string ClientIp { get; init; }

    public required string UserId { get; init; }

    /// <summary>True when the password was right (whether or not the site then had a seat: a full site is no failure).</summary>
    public required bool Succeeded { get; init; }

    public SignInAttempt ToAttempt() => new() { ClientIp = ClientIp, UserId = UserId };
}

/// <summary>The answer of a check that lets the attempt go on.</summary>
public sealed record SignInAllowedView
{
    public bool Allowed => true;
}

/// <summary><c>GET /api/sites/{siteId}/blocks</c>: the blocks in force, soonest lifted first, and how much the guard holds.</summary>
public sealed record SignInBlocksView
{
    public required IReadOnlyList<SignInBlockView> Blocks { get; init; }

    /// <summary>Addresses with recent failures or a block (at most 262,144 per site; the oldest give way).</summary>
    public required int TrackedAddresses { get; init; }

    public required int TrackedUsers { get; init; }
}

public sealed record SignInBlockView
{
    public required BlockScope Scope { get; init; }

    /// <summary>The address (an IPv6 /64 as <c>2001:db8:1:2::/64</c>) or the user id: what <c>DELETE …/blocks</c> takes.</summary>
    public required string Value { get; init; }

    public required DateTimeOffset BlockedUntil { get; init; }

    public static SignInBlockView From(SignInBlock block) => new() { Scope = block.Scope, Value = block.Value, BlockedUntil = block.BlockedUntil };
}
