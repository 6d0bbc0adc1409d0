namespace SessionGrains;

/// <summary>A user asks for a seat on a site.</summary>
[GenerateSerializer, Immutable]
public sealed record OpenSessionRequest
{
    [Id(0)]
    public required string UserId { get; init; }

    [Id(1)]
    public IReadOnlyList<string> Roles { get; init; } = [];

    [Id(2)]
    public string? ClientIp { get; init; }

    [Id(3)]
    public string? UserAgent { get; init; }
}
