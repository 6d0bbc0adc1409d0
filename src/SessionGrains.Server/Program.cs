using SessionGrains.Server.Admin;
using SessionGrains.Server.Api;
using SessionGrains.Server.Hosting;
using SessionGrains.Server.Telemetry;

var builder = WebApplication.CreateBuilder(args);

// Under systemd (Type=notify): reports ready once the silo has joined, and logs in journald's format.
builder.Services.AddSystemd();
builder.AddSessionGrainsSilo();
builder.AddSessionGrainsApi();
builder.AddSessionGrainsAdmin();
builder.AddSessionGrainsTelemetry();

var app = builder.Build();
app.UseSecurityHeaders();
app.UseSessionGrainsApi();
app.MapHealthChecks("/healthz");
app.MapSessionGrainsApi();
app.MapSessionGrainsAdmin();
app.MapSessionGrainsMetrics();
app.Run();
