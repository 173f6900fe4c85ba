using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using QueueFlow.Api;
using QueueFlow.Worker.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddQueueFlowWorker();

var app = builder.Build();
app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthResponseWriter.WriteAsync }).AllowAnonymous();
app.MapQueueFlowApi();
await app.RunAsync().ConfigureAwait(false);
public partial class Program;
