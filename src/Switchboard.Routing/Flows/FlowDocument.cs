namespace Switchboard.Routing.Flows;

// The flow document as an admin writes it (YAML or JSON). Mutable classes so that both
// YamlDotNet and System.Text.Json can fill them; FlowCompiler validates and freezes them.

/// <summary>An ordered list of rules (first match decides) and a fallback.</summary>
public sealed class FlowDocument
{
    public List<RuleDocument> Rules { get; set; } = [];

    /// <summary>Where a lead goes when no rule matches: a pool or a rep.</summary>
    public TargetDocument? Fallback { get; set; }
}

public sealed class RuleDocument
{
    public string? Name { get; set; }

    /// <summary>A condition; absent means the rule matches every lead.</summary>
    public string? When { get; set; }

    public AssignDocument? Assign { get; set; }

    /// <summary>
    /// What happens when the rule matches but nobody is eligible: <c>hold</c>, <c>next-rule</c> or
    /// <c>fallback</c>. The default value is <c>hold</c>: a lead is never dumped on an ineligible rep.
    /// </summary>
    public string? WhenNoneEligible { get; set; }
}

public sealed class AssignDocument
{
    public TargetDocument? To { get; set; }
    public string? Strategy { get; set; }
    public Dictionary<string, string>? Options { get; set; }
}

/// <summary>Exactly one of team, reps, rep or pool.</summary>
public sealed class TargetDocument
{
    public string? Team { get; set; }
    public List<string>? Reps { get; set; }
    public string? Rep { get; set; }
    public string? Pool { get; set; }
}
