using SessionGrains.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddSessionGrainsSilo();

var app = builder.Build();
app.MapHealthChecks("/healthz");
app.Run();
