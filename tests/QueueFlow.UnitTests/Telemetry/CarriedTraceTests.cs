using System.Diagnostics;
using QueueFlow.Core.Telemetry;

namespace QueueFlow.UnitTests.Telemetry;

public sealed class CarriedTraceTests
{
    const string Producer = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const string Other = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

    [Fact]
    public void Should_pass_nothing_on_when_nothing_is_carried_and_no_span_runs()
    {
        Assert.Null(Activity.Current);
        Assert.Null(CarriedTrace.Current);
    }

    [Fact]
    public void Should_pass_on_the_carried_context_unchanged_until_the_scope_ends()
    {
        using (CarriedTrace.Carry(Producer, "congo=t61rcWkgMzE"))
            Assert.Equal(new TraceContextHeaders(Producer, "congo=t61rcWkgMzE"), CarriedTrace.Current);

        Assert.Null(CarriedTrace.Current);
    }

    [Fact]
    public void Should_put_back_the_outer_context_when_an_inner_one_ends()
    {
        using (CarriedTrace.Carry(Producer, null))
        {
            using (CarriedTrace.Carry(Other, string.Empty))
                Assert.Equal(new TraceContextHeaders(Other, null), CarriedTrace.Current);

            Assert.Equal(new TraceContextHeaders(Producer, null), CarriedTrace.Current);
        }
    }

    [Theory]
    [InlineData("not a traceparent")]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b71692033-01")]
    [InlineData("")]
    [InlineData(null)]
    public void Should_carry_nothing_for_a_value_that_is_not_a_w3c_context_even_inside_another(string? invalid)
    {
        using (CarriedTrace.Carry(Producer, null))
        {
            using (CarriedTrace.Carry(invalid, "congo=t61rcWkgMzE"))
                Assert.Null(CarriedTrace.Current);

            Assert.Equal(Producer, CarriedTrace.Current?.TraceParent);
        }
    }

    [Fact]
    public void Should_pass_on_a_running_span_rather_than_what_is_carried()
    {
        using var carried = CarriedTrace.Carry(Producer, "congo=t61rcWkgMzE");
        using var span = new Activity("queueflow.test").SetParentId(Producer).Start();
        span.TraceStateString = "rojo=00f067aa0ba902b7";

        Assert.Equal(new TraceContextHeaders(span.Id!, "rojo=00f067aa0ba902b7"), CarriedTrace.Current);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", span.TraceId.ToHexString());
        Assert.NotEqual(Producer, span.Id);
    }

    [Fact]
    public async Task Should_flow_into_the_work_started_while_it_is_carried()
    {
        using var carried = CarriedTrace.Carry(Producer, null);

        var seen = await Task.Run(async () =>
        {
            await Task.Yield();
            return CarriedTrace.Current;
        });

        Assert.Equal(Producer, seen?.TraceParent);
    }
}
