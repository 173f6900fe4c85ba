namespace QueueFlow.IntegrationTests.Persistence;

/// <param name="Fail">Throw after the job, its history and its messages were changed in memory.</param>
public sealed record TouchProbeJob(Guid JobId, bool Fail = false);
