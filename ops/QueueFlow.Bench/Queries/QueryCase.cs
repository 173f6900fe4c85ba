namespace QueueFlow.Bench.Queries;

/// <summary>One list query of the API, as the route builds it: its first page and a page from the middle of the data.</summary>
internal sealed record QueryCase(string Name, Func<Persistence.QueueFlowDbContext, IQueryable<object>> First, Func<Persistence.QueueFlowDbContext, IQueryable<object>> Deep);
