using SessionGrains.Server.Api;
using SessionGrains.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddSessionGrainsSilo();
builder.AddSessionGrainsApi();

var app = builder.Build();
app.UseSessionGrainsApi();
app.MapHealthChecks("/healthz");
app.MapSessionGrainsApi();
app.Run();
