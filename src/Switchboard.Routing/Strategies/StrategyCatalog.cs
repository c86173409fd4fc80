namespace Switchboard.Routing.Strategies;

/// <summary>What a flow defines besides its rules that strategies may use: its territories.</summary>
public sealed record StrategyContext(IReadOnlyList<Flows.Territory> Territories)
{
    public static readonly StrategyContext Empty = new([]);
}

/// <summary>An option a flow gave a strategy that it does not accept, named by field.</summary>
public sealed record StrategyOptionError(string Field, string Message);

/// <summary>
/// The explicit list of strategies a flow may name. Adding a strategy is one class and one line here;
/// options are validated when a flow is saved, never while routing.
/// </summary>
public static class StrategyCatalog
{
    private static readonly Dictionary<string, Func<OptionReader, StrategyContext, IRoutingStrategy>> Factories =
        new(StringComparer.Ordinal)
        {
            [RoundRobinStrategy.StrategyName] = (o, _) => new RoundRobinStrategy(RoundRobinOptions.Read(o)),
            [WeightedRoundRobinStrategy.StrategyName] = (o, _) => new WeightedRoundRobinStrategy(WeightedRoundRobinOptions.Read(o)),
            [LoadBalancedStrategy.StrategyName] = (o, _) => new LoadBalancedStrategy(LoadBalancedOptions.Read(o)),
            [FirstAvailableStrategy.StrategyName] = (o, _) => new FirstAvailableStrategy(FirstAvailableOptions.Read(o)),
            [RandomWeightedStrategy.StrategyName] = (o, _) => new RandomWeightedStrategy(RandomWeightedOptions.Read(o)),
            [TerritoryStrategy.StrategyName] = (o, c) => new TerritoryStrategy(TerritoryOptions.Read(o), c.Territories),
            [SkillsStrategy.StrategyName] = (o, _) => new SkillsStrategy(SkillsOptions.Read(o)),
            [ScoreTiersStrategy.StrategyName] = (o, _) => new ScoreTiersStrategy(ScoreTiersOptions.Read(o)),
            [TopPerformerStrategy.StrategyName] = (o, _) => new TopPerformerStrategy(TopPerformerOptions.Read(o)),
            [AccountOwnerStrategy.StrategyName] = (o, _) => new AccountOwnerStrategy(AccountOwnerOptions.Read(o)),
            [ShotgunStrategy.StrategyName] = (o, _) => new ShotgunStrategy(ShotgunOptions.Read(o)),
        };

    public static IEnumerable<string> Names => Factories.Keys;

    public static (IRoutingStrategy? Strategy, StrategyOptionError? Error) Create(string name, IReadOnlyDictionary<string, string> options, StrategyContext? context = null)
    {
        if (!Factories.TryGetValue(name, out var factory))
        {
            return (null, new StrategyOptionError("strategy", $"unknown strategy '{name}'; use one of {string.Join(", ", Names)}"));
        }

        var reader = new OptionReader(name, options);
        var strategy = factory(reader, context ?? StrategyContext.Empty);
        return reader.Error is { } error ? (null, error) : (strategy, null);
    }

    /// <summary>The options a strategy takes, as its options class declares them (key, what it takes, default, meaning).</summary>
    public static IReadOnlyList<StrategyOption> Options(string name)
    {
        var reader = new OptionReader(name, new Dictionary<string, string>());
        Factories[name](reader, StrategyContext.Empty);
        return reader.Declared;
    }
}
