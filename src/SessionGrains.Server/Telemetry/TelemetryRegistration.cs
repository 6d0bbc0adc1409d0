using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SessionGrains.Grains.Telemetry;
using SessionGrains.Server.Auth;

namespace SessionGrains.Server.Telemetry;

/// <summary>
/// Metrics for the tools operators already run: the sites' own meter, Orleans' and ASP.NET Core's, served for
/// Prometheus at <see cref="MetricsPath"/> to the admin key, and sent with traces over OTLP when the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (off otherwise).
/// </summary>
public static class TelemetryRegistration
{
    public const string MetricsPath = "/metrics";

    public static IHostApplicationBuilder AddSessionGrainsTelemetry(this IHostApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(SiteMetrics.MeterName, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel");
                // Every scrape sees the counters as they are now, not a copy up to a few hundred milliseconds old.
                metrics.AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
            });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing.AddSource("Microsoft.AspNetCore", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"));
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Prometheus' text format at <see cref="MetricsPath"/>, for a scraper holding the admin key (a bearer token).</summary>
    public static WebApplication MapSessionGrainsMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(AccessPolicies.Admin);
        return app;
    }
}
