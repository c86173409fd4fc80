using BenchmarkDotNet.Attributes;
using Switchboard.Routing;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;

namespace Switchboard.Benchmarks;

/// <summary>
/// One routing decision: a flow of 10 rules (the lead matches only the last), 1,000 reps in 10 teams,
/// per strategy. Round-robin is the baseline the others are compared against.
/// </summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private readonly Dictionary<string, StrategyState> _states = [];
    private CompiledFlow _flow = null!;
    private List<RepState> _reps = null!;
    private Lead _lead = null!;

    [Params("round-robin", "weighted-round-robin", "load-balanced", "first-available", "random-weighted")]
    public string Strategy { get; set; } = "round-robin";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _reps = [.. Enumerable.Range(0, 1000).Select(i => new RepState(
            new Rep
            {
                Id = $"rep-{i:0000}",
                TeamIds = [$"team-{i % 10}"],
                Weight = 1 + (i % 4),
                Caps = new RepCaps(PerDay: 50, MaxOpen: 40),
                Status = i % 17 == 0 ? RepStatus.Away : RepStatus.Available,
            },
            new RepLoad(OpenLeads: random.Next(0, 45), AssignedToday: random.Next(0, 55), LastAssignedAt: DateTimeOffset.UnixEpoch.AddMinutes(random.Next(100_000)))))];

        var rules = Enumerable.Range(0, 10).Select(i => new RuleDocument
        {
            Name = $"rule-{i}",
            When = i < 9 ? $"company.employees >= {(i + 1) * 1000} and country in ['US', 'CA'] or attributes.tier == 't{i}'" : "language == 'en' or language == 'fr'",
            Assign = new AssignDocument { To = new TargetDocument { Team = $"team-{i}" }, Strategy = Strategy },
        }).ToList();
        _flow = FlowCompiler.Compile(new FlowDocument { Rules = rules, Fallback = new TargetDocument { Pool = "unassigned" } }, 1).Flow!;
        _lead = new Lead
        {
            Id = "lead-1",
            Country = "DE",
            Language = "en",
            Company = new Company { Employees = 500 },
            Attributes = new Dictionary<string, object?> { ["tier"] = "gold" },
        };
    }

    [Benchmark]
    public RoutingOutcome Route() => Router.Route(_lead, _flow, _reps, _states, DateTimeOffset.UnixEpoch);
}
