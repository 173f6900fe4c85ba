using QueueFlow.Cli;

return await CliApp.Build().Parse(args).InvokeAsync().ConfigureAwait(false);
