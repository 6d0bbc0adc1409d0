namespace SessionGrains;

/// <summary>A block an operator sees: what is blocked, and until when.</summary>
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
