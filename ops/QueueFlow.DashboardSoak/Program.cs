using QueueFlow.DashboardSoak;

return await SoakCommand.Create().Parse(args).InvokeAsync();
