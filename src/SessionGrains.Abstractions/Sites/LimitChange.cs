namespace SessionGrains;

/// <summary>A change of a site's limit, as its usage lists it: when the change was stored and the limit from then on.</summary>
[GenerateSerializer, Immutable]
public sealed record LimitChange
{
    [Id(0)]
    public required DateTimeOffset At { get; init; }

    /// <summary>-1 unlimited, 0 closed, otherwise the seats.</summary>
    [Id(1)]
    public required int Limit { get; init; }
}
