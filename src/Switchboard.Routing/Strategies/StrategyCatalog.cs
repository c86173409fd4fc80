namespace Switchboard.Routing.Strategies;

/// <summary>What a flow defines besides its rules that strategies may use: its territories.</summary>
public sealed record StrategyContext(IReadOnlyList<Flows.Territory> Territories)
{
    public static readonly StrategyContext Empty = new([]);
}

/// <summary>An option a flow gave a strategy that it does not accept, named by field.</summary>
public sealed record StrategyOptionError(string Field, string Message);

/// <summary>Thrown by a strategy's options parser; caught by the catalog and turned into a flow error.</summary>
public sealed class StrategyOptionException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>
/// The explicit list of strategies a flow may name. Adding a strategy is one class and one line here;
/// options are validated when a flow is saved, never while routing.
/// </summary>
public static class StrategyCatalog
{
    private static readonly Dictionary<string, Func<IReadOnlyDictionary<string, string>, StrategyContext, IRoutingStrategy>> Factories =
        new(StringComparer.Ordinal)
        {
            [RoundRobinStrategy.StrategyName] = (o, _) => new RoundRobinStrategy(RoundRobinOptions.Parse(o)),
            [WeightedRoundRobinStrategy.StrategyName] = (o, _) => new WeightedRoundRobinStrategy(WeightedRoundRobinOptions.Parse(o)),
            [LoadBalancedStrategy.StrategyName] = (o, _) => new LoadBalancedStrategy(LoadBalancedOptions.Parse(o)),
            [FirstAvailableStrategy.StrategyName] = (o, _) => new FirstAvailableStrategy(FirstAvailableOptions.Parse(o)),
            [RandomWeightedStrategy.StrategyName] = (o, _) => new RandomWeightedStrategy(RandomWeightedOptions.Parse(o)),
            [TerritoryStrategy.StrategyName] = (o, c) => new TerritoryStrategy(TerritoryOptions.Parse(o), c.Territories),
            [SkillsStrategy.StrategyName] = (o, _) => new SkillsStrategy(SkillsOptions.Parse(o)),
            [ScoreTiersStrategy.StrategyName] = (o, _) => new ScoreTiersStrategy(ScoreTiersOptions.Parse(o)),
            [TopPerformerStrategy.StrategyName] = (o, _) => new TopPerformerStrategy(TopPerformerOptions.Parse(o)),
            [AccountOwnerStrategy.StrategyName] = (o, _) => new AccountOwnerStrategy(AccountOwnerOptions.Parse(o)),
            [ShotgunStrategy.StrategyName] = (o, _) => new ShotgunStrategy(ShotgunOptions.Parse(o)),
        };

    public static IEnumerable<string> Names => Factories.Keys;

    public static (IRoutingStrategy? Strategy, StrategyOptionError? Error) Create(string name, IReadOnlyDictionary<string, string> options, StrategyContext? context = null)
    {
        if (!Factories.TryGetValue(name, out var factory))
        {
            return (null, new StrategyOptionError("strategy", $"unknown strategy '{name}'; use one of {string.Join(", ", Names)}"));
        }

        try
        {
            return (factory(options, context ?? StrategyContext.Empty), null);
        }
        catch (StrategyOptionException e)
        {
            return (null, new StrategyOptionError("options." + e.Field, e.Message));
        }
    }

    /// <summary>Fails on any option a strategy does not know, so typos are caught when the flow is saved.</summary>
    internal static void RejectUnknown(string strategy, IReadOnlyDictionary<string, string> options, params string[] known)
    {
        foreach (var key in options.Keys)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                var accepted = known.Length == 0 ? "it takes no options" : "it takes " + string.Join(", ", known);
                throw new StrategyOptionException(key, $"'{strategy}' has no option '{key}'; {accepted}");
            }
        }
    }
}
