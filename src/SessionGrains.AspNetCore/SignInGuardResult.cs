namespace SessionGrains.AspNetCore;

/// <summary>What <see cref="HttpContextExtensions.GuardSignInAsync"/> found: the password was right, wrong, or not checked because the sign-in is blocked.</summary>
public sealed record SignInGuardResult
{
    public required SignInGuardOutcome Outcome { get; init; }

    /// <summary>For <see cref="SignInGuardOutcome.Blocked"/>: the site's message, ready to show.</summary>
    public string? Message { get; init; }

    /// <summary>For <see cref="SignInGuardOutcome.Blocked"/>: when the block ends, unless another attempt restarts it.</summary>
    public DateTimeOffset? BlockedUntil { get; init; }

    /// <summary>For <see cref="SignInGuardOutcome.Blocked"/>: whether the address or the user is blocked.</summary>
    public BlockScope? Scope { get; init; }

    public bool Succeeded => Outcome == SignInGuardOutcome.Succeeded;
}

public enum SignInGuardOutcome
{
    /// <summary>The password was right: sign the user in (a full site refusing a seat then is no failure).</summary>
    Succeeded,

    /// <summary>The password was wrong; the failure counted.</summary>
    Failed,

    /// <summary>Too many failures: the password was not even checked. Show <see cref="SignInGuardResult.Message"/>, with status 429.</summary>
    Blocked,
}
