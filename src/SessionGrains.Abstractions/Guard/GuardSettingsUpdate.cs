namespace SessionGrains;

/// <summary>A partial change of a site's sign-in guard: fields left null stay as they are.</summary>
[GenerateSerializer, Immutable]
public sealed record GuardSettingsUpdate
{
    [Id(0)]
    public bool? Enabled { get; init; }

    [Id(1)]
    public int? MaxFailures { get; init; }

    [Id(2)]
    public TimeSpan? Block { get; init; }

    [Id(3)]
    public TimeSpan? Window { get; init; }

    [Id(4)]
    public bool? ExtendWhileBlocked { get; init; }

    [Id(5)]
    public int? PerUserMaxFailures { get; init; }

    [Id(6)]
    public string? AddressMessage { get; init; }

    [Id(7)]
    public string? UserMessage { get; init; }

    public GuardSettings ApplyTo(GuardSettings current) => current with
    {
        Enabled = Enabled ?? current.Enabled,
        MaxFailures = MaxFailures ?? current.MaxFailures,
        Block = Block ?? current.Block,
        Window = Window ?? current.Window,
        ExtendWhileBlocked = ExtendWhileBlocked ?? current.ExtendWhileBlocked,
        PerUserMaxFailures = PerUserMaxFailures ?? current.PerUserMaxFailures,
        AddressMessage = AddressMessage ?? current.AddressMessage,
        UserMessage = UserMessage ?? current.UserMessage,
    };
}
