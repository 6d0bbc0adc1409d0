namespace SessionGrains;

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
