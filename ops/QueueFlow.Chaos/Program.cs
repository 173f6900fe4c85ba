using QueueFlow.Chaos;

if (ChaosOptions.Parse(args) is not { } options)
    return 2;
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await new ChaosRun(options).RunAsync(cancel.Token);
