namespace QueueFlow.Core.Adapters.Camunda;

/// <summary>
/// The status, title and detail of Camunda's problem answer; the HTTP layer adds type (about:blank) and
/// instance. Titles are Camunda's rejection codes (NOT_FOUND, INVALID_STATE, …), as its gateway writes them.
/// </summary>
public sealed record CamundaProblem(int Status, string Title, string Detail);
