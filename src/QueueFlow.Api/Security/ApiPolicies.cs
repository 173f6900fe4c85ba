namespace QueueFlow.Api.Security;

/// <summary>Authorization policy names, one per role, each satisfied by that role or a higher one.</summary>
public static class ApiPolicies
{
    public const string Read = "queueflow-read";
    public const string Operate = "queueflow-operate";
    public const string Administer = "queueflow-administer";
}
