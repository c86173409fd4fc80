using Switchboard.Leads;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;

namespace Switchboard.Routing.Strategies;

/// <summary>Options of <see cref="TerritoryStrategy"/>: none; territories are defined in the flow, owners on each rep.</summary>
public sealed record TerritoryOptions
{
    /// <summary>Takes no options: any key given is an error.</summary>
    public static TerritoryOptions Read(OptionReader options) => new();
}

/// <summary>
/// Only reps who own a territory the lead is in may take it. When the lead is in several (a postal area
/// inside a state inside a country), owners of the most specific one are preferred; several owners of the
/// same territory take turns.
/// </summary>
public sealed class TerritoryStrategy(TerritoryOptions options, IReadOnlyList<Territory> territories) : IRoutingStrategy
{
    public const string StrategyName = "territory";

    public TerritoryOptions Options { get; } = options;

    public string Name => StrategyName;

    public Func<RepState, string?> FilterFor(Lead lead, DateTimeOffset now)
    {
        var matched = Matching(lead);
        var location = Territory.DescribeLocation(lead);
        if (matched.Count == 0)
        {
            var none = $"the lead ({location}) is in no territory";
            return _ => none;
        }

        var names = string.Join(", ", matched.Select(t => t.Name));
        return rep => BestOwned(rep, matched) >= 0
            ? null
            : $"owns no territory the lead is in (lead {location} is in {names}; rep owns {(rep.Rep.Territories.Count == 0 ? "none" : string.Join(", ", rep.Rep.Territories))})";
    }

    public StrategyPick Pick(StrategyInput input)
    {
        var matched = Matching(input.Lead);
        int Best(RepState rep) => BestOwned(rep, matched);

        var top = input.Eligible.Max(Best);
        List<RepState> owners = [.. input.Eligible.Where(r => Best(r) == top)];
        var territory = matched.First(t => t.Specificity == top && owners.Any(o => Owns(o, t)));
        var (rep, _) = Rotation.NextAfter(input.Candidates, owners, input.State.Pointer);
        var why = $"territory: lead {Territory.DescribeLocation(input.Lead)} is in '{territory.Name}'" +
                  (owners.Count > 1 ? $"; {owners.Count} eligible owners take turns, next is {rep.Id}" : $"; its eligible owner is {rep.Id}");
        return new StrategyPick(rep, input.State with { Pointer = rep.Id }, why);
    }

    /// <summary>Territories containing the lead, most specific first.</summary>
    private List<Territory> Matching(Lead lead) =>
        [.. territories.Where(t => t.Contains(lead)).OrderByDescending(t => t.Specificity)];

    /// <summary>The specificity of the most specific matched territory the rep owns, or -1 for none.</summary>
    private static int BestOwned(RepState rep, List<Territory> matched)
    {
        // Matching is most specific first, so the first territory the rep owns is their best.
        foreach (var t in matched)
        {
            if (Owns(rep, t))
            {
                return t.Specificity;
            }
        }

        return -1;
    }

    private static bool Owns(RepState rep, Territory territory) => Names.Include(rep.Rep.Territories, territory.Name);
}
