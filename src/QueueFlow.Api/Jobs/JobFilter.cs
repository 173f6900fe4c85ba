using System.Text.Json.Serialization;
using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;

namespace QueueFlow.Api.Jobs;

/// <summary>
/// The filter vocabulary of <c>GET /api/jobs</c> and of a bulk cancel by filter: status, workflow name, and a range of
/// created_at (<see cref="From"/> inclusive, <see cref="To"/> exclusive). Null means "any". <see cref="Statuses"/> is
/// "any of these" and is what the list's query string fills; a body names one <see cref="Status"/>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record JobFilter
{
    public JobStatus? Status { get; init; }

    [JsonIgnore]
    public IReadOnlyList<JobStatus> Statuses { get; init; } = [];
    public string? Workflow { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }

    public IQueryable<Job> Apply(IQueryable<Job> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (Status is { } status)
            jobs = jobs.Where(j => j.Status == status);
        if (Statuses is [var single])
            jobs = jobs.Where(j => j.Status == single);
        else if (Statuses.Count > 1)
        {
            var any = Statuses.ToArray();
            jobs = jobs.Where(j => any.Contains(j.Status));
        }

        if (Workflow is { } workflow)
            jobs = jobs.Where(j => j.Workflow == workflow);
        if (From is { } from)
            jobs = jobs.Where(j => j.CreatedAt >= from);
        if (To is { } to)
            jobs = jobs.Where(j => j.CreatedAt < to);
        return jobs;
    }
}
