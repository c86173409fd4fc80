using CsCheck;
using Switchboard.Leads;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;

namespace Switchboard.Routing.Tests.Strategies;

public class TerritoryTests
{
    private static readonly Dictionary<string, TerritoryDocument> Territories = new()
    {
        ["us"] = new TerritoryDocument { Countries = ["US"] },
        ["us-west"] = new TerritoryDocument { Countries = ["US"], Regions = ["CA", "OR", "WA"] },
        ["bay-area"] = new TerritoryDocument { Countries = ["US"], PostalCodes = ["940*", "941*", "945*"] },
        ["berlin"] = new TerritoryDocument { Countries = ["DE"], PostalCodes = ["10000-14999"] },
        ["dach"] = new TerritoryDocument { Countries = ["DE", "AT", "CH"] },
    };

    private static CompiledFlow Flow(NoneEligiblePolicy? policy = null) =>
        Build.Flow(TerritoryStrategy.StrategyName, policy: policy, territories: Territories);

    private static Lead Lead(string id, string? country, string? region = null, string? postal = null) =>
        Build.Lead(id) with { Country = country, Region = region, PostalCode = postal };

    [Theory]
    [InlineData("US", "CA", "94107", "sf")] // postal beats region beats country
    [InlineData("US", "CA", "90210", "west")]
    [InlineData("US", "NY", "10001", "east")]
    [InlineData("DE", null, "10115", "berlin")]
    [InlineData("DE", null, "80331", "munich")] // not in the Berlin range: DACH
    [InlineData("de", null, "10115-1234", "berlin")] // case and ZIP+4 style suffixes
    public void Pick_MostSpecificTerritoryOwnerWins(string country, string? region, string postal, string expected)
    {
        var reps = new List<RepState>
        {
            Build.Rep("east", territories: ["us"]),
            Build.Rep("west", territories: ["us-west"]),
            Build.Rep("sf", territories: ["bay-area"]),
            Build.Rep("berlin", territories: ["berlin"]),
            Build.Rep("munich", territories: ["dach"]),
        };

        var decision = Router.Route(Lead("l", country, region, postal), Flow(), reps, new Dictionary<string, StrategyState>(), Build.Now).Decision;

        Assert.Equal(expected, decision.RepId);
        Assert.Contains("territory: lead", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Pick_SeveralOwners_TakeTurns()
    {
        var reps = new List<RepState> { Build.Rep("a", territories: ["dach"]), Build.Rep("b", territories: ["dach"]), Build.Rep("c", territories: ["us"]) };

        var decisions = Build.RouteMany(Flow(), reps, 6, leads: i => Lead($"l{i}", "AT"));

        Assert.Equal(["a", "b", "a", "b", "a", "b"], decisions.Select(d => d.RepId));
    }

    [Fact]
    public void Route_OwnerAway_HeldWithTheReasonNotGivenToAnotherTerritory()
    {
        var reps = new List<RepState> { Build.Rep("a", territories: ["berlin"], status: RepStatus.Away), Build.Rep("c", territories: ["us"]) };

        var decision = Router.Route(Lead("l", "DE", postal: "10115"), Flow(), reps, new Dictionary<string, StrategyState>(), Build.Now).Decision;

        Assert.Equal(DecisionKind.Held, decision.Kind);
        Assert.Contains("c: owns no territory the lead is in (lead DE/-/10115 is in berlin, dach; rep owns us)", decision.HeldReason, StringComparison.Ordinal);
        Assert.NotNull(decision.Alert);
    }

    [Fact]
    public void Route_LeadInNoTerritory_FallsToNextRuleWhenTold()
    {
        var decision = Router.Route(Lead("l", "FR"), Flow(NoneEligiblePolicy.NextRule), [Build.Rep("a", territories: ["us"])], new Dictionary<string, StrategyState>(), Build.Now).Decision;

        Assert.Equal(DecisionKind.Pooled, decision.Kind);
        Assert.Contains("the lead (FR/-/-) is in no territory", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_RandomOwnershipAndLeads_OnlyOwnersOfTheLeadsTerritoryEverGetIt()
    {
        string[] names = [.. Territories.Keys];
        string[] countries = ["US", "DE", "AT", "FR", "CH"];
        string[] regions = ["CA", "NY", "WA", ""];
        string[] postals = ["94107", "90210", "10115", "80331", "14999", "15000", ""];
        var genRep = Gen.Int[0, (1 << names.Length) - 1].Select(Gen.Bool);
        var genLead = Gen.Select(Gen.Int[0, countries.Length - 1], Gen.Int[0, regions.Length - 1], Gen.Int[0, postals.Length - 1]);

        Gen.Select(genRep.Array[1, 8], genLead.Array[1, 40]).Sample((repSpecs, leadSpecs) =>
        {
            var reps = repSpecs.Select((spec, i) => Build.Rep($"r{i}",
                territories: [.. names.Where((_, bit) => (spec.Item1 & (1 << bit)) != 0)],
                status: spec.Item2 ? RepStatus.Available : RepStatus.Away)).ToList();
            var leads = leadSpecs.Select((l, i) => Lead($"l{i}", countries[l.Item1], regions[l.Item2] is "" ? null : regions[l.Item2], postals[l.Item3] is "" ? null : postals[l.Item3])).ToList();
            var compiled = Territories.ToDictionary(t => t.Key, t => Territory.Compile(t.Key, t.Value, "", [])!);

            var decisions = Build.RouteMany(Flow(), reps, leads.Count, leads: i => leads[i]);

            for (var i = 0; i < leads.Count; i++)
            {
                var inside = compiled.Values.Where(t => t.Contains(leads[i])).ToList();
                var owners = reps.Where(r => r.Rep.Status == RepStatus.Available && inside.Any(t => r.Rep.Territories.Contains(t.Name))).ToList();
                if (owners.Count == 0)
                {
                    Assert.Equal(DecisionKind.Held, decisions[i].Kind);
                    continue;
                }

                // The winner owns the most specific territory that has an available owner.
                var top = owners.Max(r => inside.Where(t => r.Rep.Territories.Contains(t.Name)).Max(t => t.Specificity));
                var winner = reps.Single(r => r.Id == decisions[i].RepId);
                Assert.Equal(top, inside.Where(t => winner.Rep.Territories.Contains(t.Name)).Max(t => t.Specificity));
            }
        }, iter: 300);
    }

    [Fact]
    public void Compile_BadTerritories_NamedByField()
    {
        var document = new FlowDocument
        {
            Territories = new()
            {
                ["x"] = new TerritoryDocument { Countries = ["USA"], PostalCodes = ["2000-1000"] },
                ["empty"] = new TerritoryDocument(),
            },
            Fallback = new TargetDocument { Pool = "p" },
        };

        var (_, errors) = FlowCompiler.Compile(document, 1);

        Assert.Contains(errors, e => e.Field == "territories.x.countries[0]" && e.Message.Contains("two-letter", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "territories.x.postalCodes[0]");
        Assert.Contains(errors, e => e.Field == "territories.empty");
    }
}
