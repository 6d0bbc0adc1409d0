namespace SessionGrains;

/// <summary>The answer to <see cref="ISessionGrain.TouchAsync"/>.</summary>
[GenerateSerializer, Immutable]
public abstract record TouchResult;

/// <summary>The session is live; it ends if it sees no activity before <see cref="IdleExpiresAt"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record SessionActive : TouchResult
{
    [Id(0)]
    public required DateTimeOffset IdleExpiresAt { get; init; }
}

/// <summary>The session has ended and no longer counts.</summary>
[GenerateSerializer, Immutable]
public sealed record SessionEnded : TouchResult
{
    [Id(0)]
    public required SessionEndReason Reason { get; init; }
}

/// <summary>No such session was ever admitted on this site (or it ended too long ago to remember).</summary>
[GenerateSerializer, Immutable]
public sealed record SessionNotFound : TouchResult
{
    public static SessionNotFound Instance { get; } = new();
}
