using System.Net;
using Microsoft.Extensions.Options;

using SessionGrains.Persistence;
using SessionGrains.Tls;

namespace SessionGrains.Server.Hosting;

public sealed class SessionGrainsOptionsValidator : IValidateOptions<SessionGrainsOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionGrainsOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Storage))
        {
            failures.Add($"{SessionGrainsOptions.SectionName}:Storage must be 'Sqlite' or 'PostgreSql'.");
        }

        if (!Enum.IsDefined(options.Clustering))
        {
            failures.Add($"{SessionGrainsOptions.SectionName}:Clustering must be 'Localhost' or 'AdoNet'.");
        }

        if (options.Clustering == ClusteringKind.AdoNet && options.Storage != StorageKind.PostgreSql)
        {
            failures.Add($"{SessionGrainsOptions.SectionName}:Clustering AdoNet needs Storage PostgreSql: every silo must share the database.");
        }

        if (options.AdvertisedAddress is { } address && !IPAddress.TryParse(address, out _))
        {
            failures.Add($"{SessionGrainsOptions.SectionName}:AdvertisedAddress must be an IP address, such as 10.0.0.5.");
        }

        if (options.Storage == StorageKind.Sqlite && string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add($"{SessionGrainsOptions.SectionName}:DataDirectory must name a folder.");
        }

        CheckPort(options.SiloPort, "SiloPort", failures);
        CheckPort(options.GatewayPort, "GatewayPort", failures);
        if (options.SiloPort == options.GatewayPort)
        {
            failures.Add($"{SessionGrainsOptions.SectionName}:SiloPort and GatewayPort must differ.");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add($"{SessionGrainsOptions.SectionName}:ClusterId must not be empty.");
        }

        if (options.ServiceId is not { Length: > 0 and <= 150 })
        {
            failures.Add($"{SessionGrainsOptions.SectionName}:ServiceId must be 1 to 150 characters.");
        }

        var adminKey = options.AdminApiKey?.Trim() ?? "";
        if (adminKey.Length > 0
            && (adminKey.Length < SessionGrainsOptions.MinAdminApiKeyLength || adminKey.Length > SessionGrainsOptions.MaxApiKeyLength || adminKey.Any(char.IsWhiteSpace)))
        {
            failures.Add($"{SessionGrainsOptions.SectionName}:AdminApiKey must be {SessionGrainsOptions.MinAdminApiKeyLength} to {SessionGrainsOptions.MaxApiKeyLength} characters, without spaces.");
        }

        if (adminKey.Length == 0 && options.Storage == StorageKind.PostgreSql)
        {
            failures.Add($"{SessionGrainsOptions.SectionName}:AdminApiKey must be set when storage is PostgreSQL (every server of a cluster needs the same key).");
        }

        if (options.OperatorSignInLifetime < TimeSpan.FromSeconds(1) || options.OperatorSignInLifetime > SessionGrainsOptions.MaxOperatorSignInLifetime)
        {
            failures.Add($"{SessionGrainsOptions.SectionName}:OperatorSignInLifetime must be from 00:00:01 to 7.00:00:00 (7 days).");
        }

        failures.AddRange((options.RateLimits ?? new()).Validate($"{SessionGrainsOptions.SectionName}:RateLimits"));

        CheckTls(options.Tls, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckTls(SiloTlsOptions tls, List<string> failures)
    {
        if (!tls.Enabled)
        {
            if (!string.IsNullOrWhiteSpace(tls.CaCertificatePath) || !string.IsNullOrWhiteSpace(tls.KeyPath) || tls.RequireClientCertificates)
            {
                failures.Add($"{SiloTlsOptions.SectionName}:CertificatePath must be set to turn TLS on; other TLS settings are set without it.");
            }

            return;
        }

        var trust = TlsFileChecks.Trust(SiloTlsOptions.SectionName, tls.CaCertificatePath, failures);
        TlsFileChecks.Certificate(SiloTlsOptions.SectionName, tls.CertificatePath!, tls.KeyPath, tls.CertificatePassword, PeerRole.Silo, trust, failures);
    }

    private static void CheckPort(int port, string name, List<string> failures)
    {
        if (port is < 1 or > 65535)
        {
            failures.Add($"{SessionGrainsOptions.SectionName}:{name} must be a TCP port (1-65535).");
        }
    }
}
