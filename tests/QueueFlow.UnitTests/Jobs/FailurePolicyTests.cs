using QueueFlow.Contracts;
using QueueFlow.Core.Workflows;

namespace QueueFlow.UnitTests.Jobs;

public sealed class When_a_task_fails_for_good_under_its_failure_policy : JobSagaScenario
{
    [Fact]
    public async Task Should_carry_on_past_a_skipTask_failure_and_complete_the_job_with_the_error_listed()
    {
        await StartAsync("policies");

        await FailAsync("risky", "quota exceeded", terminal: true);

        Assert.Equal(TaskRunStatus.Failed, Task("risky").Status);
        Assert.Equal(TaskRunStatus.Running, Task("guarded").Status);
        await CompleteAsync("guarded");
        await CompleteAsync("ship");
        Assert.Equal(JobStatus.Completed, Job.Status);
        Assert.Equal("quota exceeded", Assert.Single(Job.Errors).Message);
    }

    [Fact]
    public async Task Should_follow_the_error_transition_of_an_errorTransition_failure_and_skip_the_success_branch()
    {
        await StartAsync("policies");
        await CompleteAsync("risky");

        await FailAsync("guarded", "card declined", terminal: true);

        Assert.Equal(TaskRunStatus.Failed, Task("guarded").Status);
        Assert.Equal("error", Task("guarded").FinishState);
        Assert.Equal(TaskRunStatus.Skipped, Task("ship").Status);
        Assert.Equal(TaskRunStatus.Running, Task("handle").Status);
        await CompleteAsync("handle");
        Assert.Equal(JobStatus.Completed, Job.Status);
        Assert.Empty(Job.Errors);
    }

    [Fact]
    public void Should_refuse_an_errorTransition_policy_without_an_error_transition()
    {
        var result = WorkflowParser.Parse("""
            {
              "name": "w",
              "tasks": [ { "id": "a", "queue": "q", "onFailure": "errorTransition" } ],
              "transitions": [ { "from": "workflow_start", "to": "a" }, { "from": "a", "to": "workflow_end" } ]
            }
            """);

        Assert.Equal(["tasks[0].onFailure: 'a' fails by its error transition but has no transition on 'error'"], result.Errors);
    }

    [Fact]
    public void Should_refuse_an_unknown_policy_by_name()
    {
        var result = WorkflowParser.Parse("""
            { "name": "w", "tasks": [ { "id": "a", "queue": "q", "onFailure": "shrug" } ], "transitions": [ { "from": "workflow_start", "to": "a" }, { "from": "a", "to": "workflow_end" } ] }
            """);

        Assert.Equal(["tasks[0].onFailure: 'shrug' is not one of failJob, errorTransition, continue (or Cognite's abortWorkflow, skipTask)"], result.Errors);
    }
}
