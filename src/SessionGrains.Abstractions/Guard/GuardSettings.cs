namespace SessionGrains;

/// <summary>
/// A site's sign-in guard, part of its <see cref="SiteSettings"/>. The defaults are Lino's: 4 failures from one address
/// block it for a minute, and every attempt while blocked restarts the minute.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record GuardSettings
{
    public const string DefaultAddressMessage = "Too many failed sign-ins from your address. Please try again in {seconds} {seconds|second|seconds}.";
    public const string DefaultUserMessage = "Too many failed sign-ins for this account. Please try again in {seconds} {seconds|second|seconds}.";

    /// <summary>Off: every check allows, and reports are ignored.</summary>
    [Id(0)]
    public bool Enabled { get; init; } = true;

    /// <summary>Failures from one address within <see cref="Window"/> that block it.</summary>
    [Id(1)]
    public int MaxFailures { get; init; } = 4;

    [Id(2)]
    public TimeSpan Block { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Failures are counted from the first one; once this long has passed since it, they are forgotten.</summary>
    [Id(3)]
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary>An attempt while blocked restarts the block, so a robot that keeps trying stays out.</summary>
    [Id(4)]
    public bool ExtendWhileBlocked { get; init; } = true;

    /// <summary>Failures for one user id, from any addresses, within <see cref="Window"/> that block the user; 0: not counted.</summary>
    [Id(5)]
    public int PerUserMaxFailures { get; init; } = 20;

    /// <summary>Shown to a blocked address; <c>{seconds}</c> is the time left (see <see cref="MessageTemplate"/>).</summary>
    [Id(6)]
    public string AddressMessage { get; init; } = DefaultAddressMessage;

    /// <summary>Shown to attempts for a blocked user.</summary>
    [Id(7)]
    public string UserMessage { get; init; } = DefaultUserMessage;

    public string RenderMessage(BlockScope scope, TimeSpan left) => MessageTemplate.Render(
        scope == BlockScope.Address ? AddressMessage : UserMessage,
        [("seconds", (int)Math.Ceiling(Math.Max(1, left.TotalSeconds)))]);
}
