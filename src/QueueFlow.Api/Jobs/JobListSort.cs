namespace QueueFlow.Api.Jobs;

/// <summary>The order of <c>GET /api/jobs</c>, by (created_at, id): oldest first (the default) or newest first.</summary>
public enum JobListSort
{
    Oldest,
    Newest,
}
