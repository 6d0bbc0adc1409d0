namespace SessionGrains;

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
