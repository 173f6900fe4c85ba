namespace QueueFlow.Api.Security;

/// <summary>The roles a key may have, each allowed everything the one before it is.</summary>
public static class ApiRoles
{
    /// <summary>GET only.</summary>
    public const string Reader = "reader";

    /// <summary>Job commands as well.</summary>
    public const string Operator = "operator";

    /// <summary>Workflow registration as well.</summary>
    public const string Admin = "admin";

    public static bool IsKnown(string role) => role is Reader or Operator or Admin;
}
