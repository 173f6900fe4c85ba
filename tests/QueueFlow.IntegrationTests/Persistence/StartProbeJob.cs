namespace QueueFlow.IntegrationTests.Persistence;

/// <param name="Rendezvous">Hold the consume until a second start of the same job got as far: forces the insert race.</param>
/// <param name="Fail">Throw after the job, its history and its messages were changed in memory.</param>
public sealed record StartProbeJob(Guid JobId, bool Rendezvous = false, bool Fail = false);
