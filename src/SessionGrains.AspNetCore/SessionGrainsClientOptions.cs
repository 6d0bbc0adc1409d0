namespace SessionGrains.AspNetCore;

/// <summary>Where the SessionGrains cluster is: configuration section <c>SessionGrains:Client</c>.</summary>
public sealed class SessionGrainsClientOptions
{
    public const string SectionName = "SessionGrains:Client";

    /// <summary>The silo's gateway port (the server's <c>SessionGrains:GatewayPort</c>).</summary>
    public int GatewayPort { get; set; } = 30000;

    public string ClusterId { get; set; } = "sessiongrains";

    public string ServiceId { get; set; } = "sessiongrains";

    internal void Validate()
    {
        if (GatewayPort is < 1 or > 65535 || string.IsNullOrWhiteSpace(ClusterId) || string.IsNullOrWhiteSpace(ServiceId))
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(
                SectionName,
                typeof(SessionGrainsClientOptions),
                [$"{SectionName} needs a GatewayPort (1-65535), a ClusterId and a ServiceId matching the server's."]);
        }
    }
}
