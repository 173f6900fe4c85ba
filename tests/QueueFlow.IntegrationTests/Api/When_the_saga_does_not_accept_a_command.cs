using Microsoft.AspNetCore.Http;
using QueueFlow.Api.Problems;
using QueueFlow.Contracts;

namespace QueueFlow.IntegrationTests.Api;

/// <summary>
/// The outcome-to-problem mapping on its own, so every outcome is checked whether or not a route can provoke it
/// yet (no route sends a command the saga answers Wait; job control's Rejected and Aborted are also checked over HTTP).
/// </summary>
public sealed class When_the_saga_does_not_accept_a_command
{
    static readonly Guid JobId = Guid.NewGuid();

    [Fact]
    public void Should_answer_409_with_the_reason_for_a_rejection()
    {
        var http = new DefaultHttpContext();
        var problem = ApiProblems.ForOutcome(new CommandOutcome { JobId = JobId, Command = "StartJob", Status = CommandStatus.Rejected, Reason = "unknown workflow 'x'" }, http);

        Assert.Equal(StatusCodes.Status409Conflict, problem.StatusCode);
        Assert.Equal("unknown workflow 'x'", problem.ProblemDetails.Detail);
        Assert.Equal("Rejected", problem.ProblemDetails.Extensions["outcome"]);
    }

    [Fact]
    public void Should_answer_409_for_a_finished_job()
    {
        var http = new DefaultHttpContext();
        var problem = ApiProblems.ForOutcome(new CommandOutcome { JobId = JobId, Command = "SetTaskState", Status = CommandStatus.Aborted, Reason = "the job is Completed", JobStatus = JobStatus.Completed }, http);

        Assert.Equal(StatusCodes.Status409Conflict, problem.StatusCode);
        Assert.Equal("Aborted", problem.ProblemDetails.Extensions["outcome"]);
        Assert.Equal("Completed", problem.ProblemDetails.Extensions["jobStatus"]);
    }

    [Fact]
    public void Should_answer_503_with_retry_after_for_a_wait()
    {
        var http = new DefaultHttpContext();
        var problem = ApiProblems.ForOutcome(new CommandOutcome { JobId = JobId, Command = "SetTaskState", Status = CommandStatus.Wait, Reason = "the job is paused", WaitSeconds = 10 }, http);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, problem.StatusCode);
        Assert.Equal("10", http.Response.Headers.RetryAfter.ToString());
        Assert.Equal("the job is paused", problem.ProblemDetails.Detail);
    }
}
