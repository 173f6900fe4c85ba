using QueueFlow.Core.Adapters.Camunda;

namespace QueueFlow.UnitTests.Adapters.Camunda;

/// <summary>Camunda keys are 64-bit integers written as decimal strings, and nothing else.</summary>
public sealed class When_a_Camunda_job_key_is_parsed
{
    [Theory]
    [InlineData("2251799813685249", 2251799813685249)]
    [InlineData("0", 0)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Should_accept_a_decimal_64_bit_integer(string text, long value)
    {
        Assert.True(CamundaJobKey.TryParse(text, out var key, out var error));
        Assert.Null(error);
        Assert.Equal(value, key.Value);
        Assert.Equal(text, key.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Should_say_an_empty_key_is_empty(string? text)
    {
        Assert.False(CamundaJobKey.TryParse(text, out _, out var error));
        Assert.Equal("the job key is empty: it must be a 64-bit integer written in decimal digits", error);
    }

    [Theory]
    [InlineData("-1", 1, '-')]
    [InlineData("+1", 1, '+')]
    [InlineData(" 12", 1, ' ')]
    [InlineData("12 ", 3, ' ')]
    [InlineData("1e5", 2, 'e')]
    [InlineData("2251799813685249a", 17, 'a')]
    [InlineData("3c90c3cc-0d44-4b50-8888-8dd25736052a", 2, 'c')]
    [InlineData("1_000", 2, '_')]
    [InlineData("٣", 1, '٣')]
    public void Should_say_which_character_is_not_a_digit(string text, int position, char character)
    {
        Assert.False(CamundaJobKey.TryParse(text, out _, out var error));
        Assert.Equal($"the job key '{text}' is not a decimal number: character {position} is '{character}', and only the digits 0-9 are allowed", error);
    }

    [Theory]
    [InlineData("9223372036854775808")]
    [InlineData("18446744073709551616")]
    [InlineData("99999999999999999999999999999999")]
    public void Should_say_a_key_past_the_64_bit_range_is_out_of_range(string text)
    {
        Assert.False(CamundaJobKey.TryParse(text, out _, out var error));
        Assert.Equal($"the job key '{text}' is out of range: a job key is at most 9223372036854775807", error);
    }
}
