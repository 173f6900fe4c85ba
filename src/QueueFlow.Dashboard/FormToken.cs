namespace QueueFlow.Dashboard;

/// <summary>The antiforgery field every form of a page carries: its name and this request's token.</summary>
public sealed record FormToken(string FieldName, string Value);
