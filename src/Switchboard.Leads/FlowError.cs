namespace Switchboard.Leads;

/// <summary>One problem in a rules document (a flow, the intake rules): where (a JSON-path-like field), and why.</summary>
public sealed record FlowError(string Field, string Message, string? Rule = null, int? Position = null);
