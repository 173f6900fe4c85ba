using QueueFlow.Bench;

return await BenchCommand.Create().Parse(args).InvokeAsync();
