using QueueFlow.Api;
using QueueFlow.Worker.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddQueueFlowWorker();

var app = builder.Build();
app.MapQueueFlowHealth();
app.MapQueueFlowApi();
await app.RunAsync().ConfigureAwait(false);
public partial class Program;
