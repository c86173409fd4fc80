using Switchboard.Routing.Model;

namespace Switchboard.Routing.Strategies;

/// <summary>
/// Chooses ONE rep among the eligible candidates of a rule. Who MAY take a lead is decided before
/// (eligibility); a strategy only decides which one, and says why.
/// </summary>
public interface IRoutingStrategy
{
    string Name { get; }

    /// <summary>Picks a rep. <paramref name="input"/>.Eligible is never empty.</summary>
    StrategyPick Pick(StrategyInput input);
}

/// <param name="Candidates">Every rep the rule targets, in rotation order (eligible or not).</param>
/// <param name="Eligible">The candidates that may take the lead, in the same order.</param>
public sealed record StrategyInput(
    Lead Lead,
    IReadOnlyList<RepState> Candidates,
    IReadOnlyList<RepState> Eligible,
    StrategyState State,
    DateTimeOffset Now);

public sealed record StrategyPick(RepState Rep, StrategyState NewState, string Explanation);

/// <summary>
/// What a strategy remembers between leads, stored by the host with the assignment in one transaction:
/// a rotation pointer (last rep served) and per-rep credits (smooth weighted rotation).
/// </summary>
public sealed record StrategyState(string? Pointer, IReadOnlyDictionary<string, long> Credits)
{
    public static readonly StrategyState Empty = new(null, new Dictionary<string, long>());

    public override string ToString()
    {
        var parts = new List<string>();
        if (Pointer is not null)
        {
            parts.Add($"pointer={Pointer}");
        }

        if (Credits.Count > 0)
        {
            parts.Add("credits={" + string.Join(", ", Credits.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value}")) + "}");
        }

        return parts.Count == 0 ? "(empty)" : string.Join("; ", parts);
    }
}
