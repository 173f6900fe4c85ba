using QueueFlow.Api;
using QueueFlow.Dashboard;
using QueueFlow.Worker.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddQueueFlowWorker();
// The ops dashboard at /dashboard (Dashboard__Enabled=false leaves it out); it calls this host's own API.
builder.Services.AddQueueFlowDashboard(builder.Configuration);

var app = builder.Build();
app.MapQueueFlowHealth();
app.MapQueueFlowApi();
app.MapQueueFlowDashboard();
await app.RunStoppingOnFailedStartAsync().ConfigureAwait(false);
public partial class Program;
