using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using QueueFlow.Contracts;

namespace QueueFlow.UnitTests.Contracts;

/// <summary>
/// The AsyncAPI document is what a worker in another language is written from: of the messages QueueFlow sends
/// it, a field the document calls required must always be sent, and one the record always carries must be
/// called required.
/// </summary>
public sealed partial class When_the_asyncapi_document_describes_the_contracts
{
    static readonly string Document = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "QueueFlow.Contracts", "asyncapi.yaml"));

    [Theory]
    [InlineData(nameof(RunTask))]
    [InlineData(nameof(CommandOutcome))]
    [InlineData(nameof(TaskAssigneeChanged))]
    public void Should_list_as_required_exactly_the_records_required_members(string name)
    {
        var type = typeof(RunTask).Assembly.GetType($"QueueFlow.Contracts.{name}");
        Assert.NotNull(type);
        var required = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<RequiredMemberAttribute>() is not null)
            .Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..])
            .Order(StringComparer.Ordinal);

        Assert.Equal(required, RequiredIn(name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Should_call_the_ids_of_the_seed_routes_required_on_RunTask()
    {
        Assert.Contains("jobKey", RequiredIn(nameof(RunTask)));
        Assert.Contains("taskRunId", RequiredIn(nameof(RunTask)));
    }

    static string[] RequiredIn(string message)
    {
        var block = MessageBlock().Matches(Document).Single(m => m.Groups["name"].Value == message).Value;
        var list = RequiredList().Match(block);
        Assert.True(list.Success, $"{message} has no required list");
        return [.. list.Groups["names"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
    }

    static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "QueueFlow.sln")))
                return directory.FullName;
        }

        throw new InvalidOperationException("QueueFlow.sln not found above " + AppContext.BaseDirectory);
    }

    // A message under components/messages: four spaces, its name, maybe its headers, then its payload indented further.
    [GeneratedRegex(@"^    (?<name>[A-Z][A-Za-z]+):\n(?:      headers:.*\n)?      payload:\n(?:(?:        .*|\s*)\n)+", RegexOptions.Multiline)]
    private static partial Regex MessageBlock();

    [GeneratedRegex(@"^        required: \[(?<names>[^\]]*)\]", RegexOptions.Multiline)]
    private static partial Regex RequiredList();
}
