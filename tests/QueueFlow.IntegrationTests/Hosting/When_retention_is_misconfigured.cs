using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;
using QueueFlow.IntegrationTests.Api;

namespace QueueFlow.IntegrationTests.Hosting;

/// <summary>
/// A retention that could never be right (no time at all, a negative one, a batch past what one transaction may lock)
/// stops the worker at start-up with the retention's own message, before it deletes anything.
/// </summary>
public sealed class When_retention_is_misconfigured
{
    [Theory]
    [InlineData("FinishedJobs", "00:00:00")]
    [InlineData("FailedJobs", "-1.00:00:00")]
    [InlineData("ResolvedDeadLetters", "00:00:00")]
    [InlineData("Interval", "00:00:00")]
    [InlineData("BatchSize", "0")]
    [InlineData("BatchSize", "1001")]
    public async Task Should_refuse_to_start_with_the_retentions_message(string option, string value)
    {
        await using var worker = new ApiFactory { ConfigureExtra = web => web.UseSetting($"Retention:{option}", value) };

        var refused = Assert.Throws<OptionsValidationException>(() => worker.Services);

        Assert.StartsWith("Retention: FinishedJobs, FailedJobs and ResolvedDeadLetters > 0 when set", refused.Message, StringComparison.Ordinal);
    }
}
