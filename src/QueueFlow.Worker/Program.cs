using QueueFlow.Worker.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddQueueFlowWorker();

var app = builder.Build();
app.MapHealthChecks("/health");
await app.RunAsync().ConfigureAwait(false);
