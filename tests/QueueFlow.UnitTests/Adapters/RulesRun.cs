using QueueFlow.Contracts;
using QueueFlow.Core.Jobs;
using QueueFlow.Core.Workflows;

namespace QueueFlow.UnitTests.Adapters;

/// <summary>
/// One job driven straight through the real rules, without a bus: the adapters' tests translate the outcomes
/// the rules really give, so a reworded reason or a changed rule shows up here. The default variables
/// satisfy the input templates of <see cref="TestWorkflows"/>.
/// </summary>
internal sealed class RulesRun
{
    RulesRun(WorkflowDefinition definition, JobRulesOptions options, DateTimeOffset now)
    {
        Definition = definition;
        Options = options;
        Rules = new JobRules(options);
        StateRules = new TaskStateRules(Rules, options);
        Now = now;
    }

    public WorkflowDefinition Definition { get; }
    public JobRulesOptions Options { get; }
    public JobRules Rules { get; }
    public TaskStateRules StateRules { get; }
    public Job Job { get; } = new();
    public DateTimeOffset Now { get; set; }

    public static RulesRun Start(string workflow, DateTimeOffset now, string? owner = null, JobRulesOptions? options = null, string variables = """{ "orderId": "o-1" }""")
    {
        var run = new RulesRun(TestWorkflows.Parse(workflow), options ?? new JobRulesOptions(), now);
        var outcome = run.Rules.Start(run.Job, run.Definition, new StartJob
        {
            JobId = Guid.NewGuid(),
            Workflow = run.Definition.Name,
            Owner = owner,
            Variables = System.Text.Json.JsonDocument.Parse(variables).RootElement,
        }, now);
        Assert.Equal(CommandStatus.Accepted, outcome.Status);
        return run;
    }

    public JobTask Task(string id) => Job.FindTask(id) ?? throw new InvalidOperationException($"no task {id}");

    public Guid Attempt(string id) => Task(id).AttemptId ?? throw new InvalidOperationException($"task {id} has not run");

    public CommandOutcome Apply(CompleteTask command) => Rules.Complete(Job, Definition, command, Now);

    public CommandOutcome Apply(FailTask command) => Rules.Fail(Job, Definition, command, Now);

    public CommandOutcome Apply(SetTaskState command) => StateRules.SetState(Job, Definition, command, Now);

    public CommandOutcome Apply(object command) => command switch
    {
        CompleteTask complete => Apply(complete),
        FailTask fail => Apply(fail),
        SetTaskState set => Apply(set),
        _ => throw new ArgumentException($"not a task command: {command.GetType().Name}", nameof(command)),
    };
}
