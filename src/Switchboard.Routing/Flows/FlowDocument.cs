namespace Switchboard.Routing.Flows;

// The flow document as an admin writes it (YAML or JSON). Mutable classes so that both
// YamlDotNet and System.Text.Json can fill them; FlowCompiler validates and freezes them.

/// <summary>An ordered list of rules (first match decides) and a fallback.</summary>
public sealed class FlowDocument
{
    public List<RuleDocument> Rules { get; set; } = [];

    /// <summary>Where a lead goes when no rule matches: a pool or a rep.</summary>
    public TargetDocument? Fallback { get; set; }

    /// <summary>Named territories for the <c>territory</c> strategy; reps list the names they own.</summary>
    public Dictionary<string, TerritoryDocument>? Territories { get; set; }
}

public sealed class RuleDocument
{
    /// <summary>
    /// A stable identity for the rule's rotation and fairness ledger, kept when the rule is renamed. The
    /// default value is the name.
    /// </summary>
    public string? Id { get; set; }

    public string? Name { get; set; }

    /// <summary>A condition; absent means the rule matches every lead.</summary>
    public string? When { get; set; }

    public AssignDocument? Assign { get; set; }

    /// <summary>
    /// What happens when the rule matches but nobody is eligible: <c>hold</c> (retried as reps become
    /// available), <c>next-rule</c>, <c>fallback</c>, <c>pool:ID</c> or <c>rep:ID</c> (a default owner).
    /// The default value is <c>hold</c> (<c>next-rule</c> for account-owner): a lead is never dumped on an
    /// ineligible rep.
    /// </summary>
    public string? WhenNoneEligible { get; set; }

    /// <summary>With <c>hold</c>: how long at most, e.g. <c>30m</c>; then the lead goes to the fallback.</summary>
    public string? HoldFor { get; set; }

    /// <summary>
    /// Offer instead of assign: the picked rep (or a shotgun group) has this long to accept, e.g. <c>2m</c>;
    /// a decline or silence moves the lead on, leaving that rep out.
    /// </summary>
    public string? Offer { get; set; }

    /// <summary>What the owner must do by when, and what a breach does (see <see cref="SlaDocument"/>).</summary>
    public SlaDocument? Sla { get; set; }

    /// <summary>
    /// How a rep who was away is treated on return: <c>keep-place</c> (resumes their turn), <c>catch-up</c>
    /// (extra turns for what they missed, at most <see cref="CatchUpMax"/>) or <c>reset</c> (starts at the back
    /// with a clean balance). The default value is <c>keep-place</c>.
    /// </summary>
    public string? Fairness { get; set; }

    /// <summary>With <c>catch-up</c>: the most extra turns a returning rep gets. The default value is 5.</summary>
    public int? CatchUpMax { get; set; }
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
