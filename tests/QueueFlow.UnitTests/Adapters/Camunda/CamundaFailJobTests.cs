using System.Text.Json;
using QueueFlow.Core.Adapters.Camunda;

namespace QueueFlow.UnitTests.Adapters.Camunda;

/// <summary>Camunda 8's fail job and throw error onto FailTask: Camunda's defaults, and every invalid field at once.</summary>
public sealed class When_a_Camunda_job_fails_or_throws_an_error
{
    static T Request<T>(string json) => JsonSerializer.Deserialize<T>(json) ?? throw new InvalidOperationException("no request");

    [Fact]
    public void Should_default_a_failure_to_no_retries_left_and_no_backoff_as_Camunda_does()
    {
        var command = CamundaFailJob.ToCommand(Request<CamundaFailJobRequest>("{}"), Guid.NewGuid(), "t", Guid.NewGuid()).Command!;

        Assert.Equal((0, 0L, false, null), (command.RetriesLeft, command.RetryBackOffMs, command.Terminal, command.ErrorCode));
        Assert.Equal("the job failed", command.Error);
    }

    [Fact]
    public void Should_carry_the_workers_count_backoff_message_and_variables()
    {
        var command = CamundaFailJob.ToCommand(
            Request<CamundaFailJobRequest>("""{ "retries": 2, "retryBackOff": 1500, "errorMessage": "timeout", "variables": { "tries": 1 } }"""),
            Guid.NewGuid(), "t", Guid.NewGuid(), owner: "worker-1").Command!;

        Assert.Equal((2, 1500L, "timeout", "worker-1"), (command.RetriesLeft, command.RetryBackOffMs, command.Error, command.Owner));
        Assert.Equal(1, command.Variables!.Value.GetProperty("tries").GetInt32());
    }

    [Fact]
    public void Should_list_every_invalid_field_of_a_failure()
    {
        var translation = CamundaFailJob.ToCommand(Request<CamundaFailJobRequest>("""{ "retries": -1, "retryBackOff": -2, "variables": [1] }"""), Guid.NewGuid(), "t", Guid.NewGuid());

        Assert.False(translation.IsValid);
        Assert.Equal(["retries", "retryBackOff", "variables"], translation.Errors.Select(e => e.Field));
    }

    [Fact]
    public void Should_throw_the_error_code_with_its_message_and_variables()
    {
        var command = CamundaThrowError.ToCommand(
            Request<CamundaThrowErrorRequest>("""{ "errorCode": "NOT_APPROVED", "errorMessage": "limit", "variables": { "why": "limit" } }"""),
            Guid.NewGuid(), "t", Guid.NewGuid()).Command!;

        Assert.Equal(("NOT_APPROVED", "limit", null), (command.ErrorCode, command.Error, command.RetriesLeft));
        Assert.Equal("limit", command.Variables!.Value.GetProperty("why").GetString());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{ "errorCode": "  ", "errorMessage": "x" }""")]
    public void Should_require_an_error_code(string json)
    {
        var translation = CamundaThrowError.ToCommand(Request<CamundaThrowErrorRequest>(json), Guid.NewGuid(), "t", Guid.NewGuid());

        Assert.Equal("errorCode", Assert.Single(translation.Errors).Field);
    }
}
