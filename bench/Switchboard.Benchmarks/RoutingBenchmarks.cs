using BenchmarkDotNet.Attributes;
using Switchboard.Leads;
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

    /// <summary>Built once, as the host builds it once per routing snapshot.</summary>
    private RepIndex _index = null!;

    [Params("round-robin", "weighted-round-robin", "load-balanced", "first-available", "random-weighted",
        "territory", "skills", "score-tiers", "top-performer", "account-owner")]
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
                Territories = i % 3 == 0 ? ["dach"] : ["us"],
                // By the rep's place in their team (i / 10), so the team the lead reaches has some of each:
                // skills and score-tiers pick among them instead of holding the lead.
                Skills = (i / 10) % 2 == 0 ? ["enterprise", "security"] : ["smb"],
                Languages = i % 4 == 0 ? ["en", "de"] : ["en"],
                Seniority = (i / 10) % 5 == 0 ? "senior" : "junior",
            },
            new RepLoad(
                OpenLeads: random.Next(0, 45),
                AssignedToday: random.Next(0, 55),
                LastAssignedAt: DateTimeOffset.UnixEpoch.AddMinutes(random.Next(100_000)),
                History: new Dictionary<TimeSpan, RepHistory> { [TimeSpan.FromDays(90)] = new(random.Next(10, 60), random.Next(0, 10), 0, 0) })))];

        var rules = Enumerable.Range(0, 10).Select(i => new RuleDocument
        {
            Name = $"rule-{i}",
            When = i < 9 ? $"company.employees >= {(i + 1) * 1000} and country in ['US', 'CA'] or attributes.tier == 't{i}'" : "language == 'en' or language == 'fr'",
            Assign = new AssignDocument { To = new TargetDocument { Team = $"team-{i}" }, Strategy = Strategy, Options = OptionsFor(Strategy) },
        }).ToList();
        var territories = new Dictionary<string, TerritoryDocument>
        {
            ["dach"] = new() { Countries = ["DE", "AT", "CH"] },
            ["berlin"] = new() { Countries = ["DE"], PostalCodes = ["10000-14999"] },
            ["us"] = new() { Countries = ["US"] },
        };
        var (flow, errors) = FlowCompiler.Compile(new FlowDocument { Rules = rules, Fallback = new TargetDocument { Pool = "unassigned" }, Territories = territories }, 1);
        _flow = flow ?? throw new InvalidOperationException(string.Join("; ", errors.Select(e => e.Message)));
        _lead = new Lead
        {
            Id = "lead-1",
            Country = "DE",
            Language = "en",
            PostalCode = "80331",
            Score = 85,
            Company = new Company { Employees = 500, Industry = "software" },
            Account = new AccountMatch("rep-0009", "company domain acme.example"),
            Attributes = new Dictionary<string, object?> { ["tier"] = "gold" },
        };
        _index = new RepIndex(_reps);

        // The steady state a running service routes in: the strategy state (pointer, credits, fairness
        // ledger) left by earlier leads, not an empty one.
        for (var i = 0; i < 50; i++)
        {
            var outcome = Router.Route(_lead, _flow, _reps, _states, DateTimeOffset.UnixEpoch, index: _index);
            if (outcome is { StateKey: { } key, NewState: { } state })
            {
                _states[key] = state;
            }
        }
    }

    private static Dictionary<string, string>? OptionsFor(string strategy) => strategy switch
    {
        "skills" => new() { ["required"] = "security", ["language"] = "required", ["preferred"] = "enterprise" },
        "score-tiers" => new() { ["tiers"] = "senior >= 80, junior" },
        _ => null,
    };

    [Benchmark]
    public RoutingOutcome Route() => Router.Route(_lead, _flow, _reps, _states, DateTimeOffset.UnixEpoch, index: _index);
}
