using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SessionGrains.AspNetCore;
using SessionGrains.Server.Hosting;

namespace SessionGrains.Tests.Unit.Tls;

/// <summary>TLS settings that cannot work stop the server, or the web app, at start-up with a message naming the setting.</summary>
public sealed class TlsSettingsTests : IDisposable
{
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private readonly TestCertificates _otherAuthority = TestCertificates.Create("other-ca");

    public void Dispose()
    {
        _certificates.Dispose();
        _otherAuthority.Dispose();
    }

    [Fact]
    public void A_silo_certificate_from_the_cluster_CA_is_accepted_as_PEM_and_as_PKCS12()
    {
        var silo = _certificates.IssueSilo("silo");

        Assert.True(Validate(new SiloTlsOptions { CertificatePath = silo.CertificatePath, KeyPath = silo.KeyPath, CaCertificatePath = _certificates.CaPath }).Succeeded);
        Assert.True(Validate(new SiloTlsOptions
        {
            CertificatePath = silo.Pkcs12Path,
            CertificatePassword = TestCertificates.Pkcs12Password,
            CaCertificatePath = _certificates.CaPath,
            RequireClientCertificates = true,
        }).Succeeded);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var silo = _certificates.IssueSilo("silo");
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.pem");

        Assert.Contains(
            $"SessionGrains:Tls:CertificatePath: there is no file {missing}.",
            Failures(new SiloTlsOptions { CertificatePath = missing, CaCertificatePath = _certificates.CaPath }));
        Assert.Contains(
            $"SessionGrains:Tls:KeyPath: there is no file {missing}.",
            Failures(new SiloTlsOptions { CertificatePath = silo.CertificatePath, KeyPath = missing, CaCertificatePath = _certificates.CaPath }));
        Assert.Contains(
            $"SessionGrains:Tls:CaCertificatePath: there is no file {missing}.",
            Failures(new SiloTlsOptions { CertificatePath = silo.CertificatePath, KeyPath = silo.KeyPath, CaCertificatePath = missing }));
    }

    [Fact]
    public void A_wrong_PKCS12_password_is_refused_without_showing_a_password()
    {
        var silo = _certificates.IssueSilo("silo");
        const string wrong = "wrong-password-that-must-not-be-shown";

        var failure = Assert.Single(Failures(new SiloTlsOptions { CertificatePath = silo.Pkcs12Path, CertificatePassword = wrong, CaCertificatePath = _certificates.CaPath }));
        Assert.StartsWith($"SessionGrains:Tls:CertificatePath: {silo.Pkcs12Path} could not be read as a PKCS#12 file", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, failure, StringComparison.Ordinal);
        Assert.DoesNotContain(TestCertificates.Pkcs12Password, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_PEM_certificate_without_its_key_is_refused()
    {
        var silo = _certificates.IssueSilo("silo");

        var failure = Assert.Single(Failures(new SiloTlsOptions { CertificatePath = silo.CertificatePath, CaCertificatePath = _certificates.CaPath }));

        Assert.StartsWith($"SessionGrains:Tls:CertificatePath: {silo.CertificatePath} could not be read", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_the_cluster_would_refuse_is_refused_at_start_up()
    {
        var foreign = _otherAuthority.IssueSilo("foreign");
        var clientOnly = _certificates.IssueClient("client-only");
        var expired = _certificates.Issue("expired", [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));

        Assert.Contains("does not chain to SessionGrains:Tls:CaCertificatePath", FailureOf(foreign), StringComparison.Ordinal);
        Assert.Contains("expired", FailureOf(expired), StringComparison.Ordinal);
        Assert.Equal("SessionGrains:Tls:CertificatePath: the certificate's extended key usage must include serverAuth and clientAuth.", FailureOf(clientOnly));

        string FailureOf(IssuedCertificate certificate) => Assert.Single(
            Failures(new SiloTlsOptions { CertificatePath = certificate.CertificatePath, KeyPath = certificate.KeyPath, CaCertificatePath = _certificates.CaPath }));
    }

    [Fact]
    public void TLS_needs_both_the_certificate_and_the_CA()
    {
        var silo = _certificates.IssueSilo("silo");

        Assert.Contains(
            "SessionGrains:Tls:CaCertificatePath must name the PEM or DER file of the certificate authority that issued the cluster's certificates.",
            Failures(new SiloTlsOptions { CertificatePath = silo.CertificatePath, KeyPath = silo.KeyPath }));
        Assert.Contains(
            "SessionGrains:Tls:CertificatePath must be set to turn TLS on; other TLS settings are set without it.",
            Failures(new SiloTlsOptions { CaCertificatePath = _certificates.CaPath, RequireClientCertificates = true }));
    }

    [Fact]
    public void TLS_is_off_by_default()
    {
        Assert.True(Validate(new SiloTlsOptions()).Succeeded);
        Assert.False(new SessionGrainsOptions().Tls.Enabled);
    }

    [Fact]
    public void A_web_app_with_a_client_certificate_from_another_CA_does_not_start()
    {
        var foreign = _otherAuthority.IssueClient("web");
        var builder = WebApp(new()
        {
            ["SessionGrains:Client:Tls:CaCertificatePath"] = _certificates.CaPath,
            ["SessionGrains:Client:Tls:CertificatePath"] = foreign.CertificatePath,
            ["SessionGrains:Client:Tls:KeyPath"] = foreign.KeyPath,
        });

        var refused = Assert.Throws<OptionsValidationException>(() => builder.AddSessionGrainsClient());

        Assert.Contains("SessionGrains:Client:Tls:CertificatePath: the certificate does not chain to SessionGrains:Client:Tls:CaCertificatePath", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_web_app_with_a_client_certificate_but_no_CA_does_not_start()
    {
        var web = _certificates.IssueClient("web");
        var builder = WebApp(new() { ["SessionGrains:Client:Tls:CertificatePath"] = web.CertificatePath });

        var refused = Assert.Throws<OptionsValidationException>(() => builder.AddSessionGrainsClient());

        Assert.Contains("SessionGrains:Client:Tls:CaCertificatePath must be set to turn TLS on", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_web_app_with_the_CA_and_its_client_certificate_starts()
    {
        var web = _certificates.IssueClient("web");
        var builder = WebApp(new()
        {
            ["SessionGrains:Client:Tls:CaCertificatePath"] = _certificates.CaPath,
            ["SessionGrains:Client:Tls:CertificatePath"] = web.Pkcs12Path,
            ["SessionGrains:Client:Tls:CertificatePassword"] = TestCertificates.Pkcs12Password,
        });

        builder.AddSessionGrainsClient();
    }

    private static ValidateOptionsResult Validate(SiloTlsOptions tls) =>
        new SessionGrainsOptionsValidator().Validate(null, new SessionGrainsOptions { Tls = tls });

    private static IEnumerable<string> Failures(SiloTlsOptions tls) => Validate(tls).Failures ?? [];

    private static HostApplicationBuilder WebApp(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        settings["SessionGrains:SiteId"] = "demo";
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }
}
