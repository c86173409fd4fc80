using CsCheck;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;

namespace Switchboard.Routing.Tests.Strategies;

public class ScoreTiersTests
{
    private static readonly List<RepState> Reps =
    [
        Build.Rep("s1", seniority: "senior"), Build.Rep("s2", seniority: "senior"),
        Build.Rep("m1", seniority: "mid"),
        Build.Rep("j1", seniority: "junior"), Build.Rep("j2", seniority: "junior"), Build.Rep("x"),
    ];

    [Fact]
    public void Route_RandomScores_EveryLeadGoesToItsTier()
    {
        var flow = Build.Flow(ScoreTiersStrategy.StrategyName, options: new() { ["tiers"] = "senior >= 80, mid >= 50, junior", ["urgent"] = "attributes.timeline == 'now'" });

        Gen.Select(Gen.Int[0, 100], Gen.Bool, Gen.Bool).Array[1, 50].Sample(leads =>
        {
            var decisions = Build.RouteMany(flow, Reps, leads.Length, leads: i => Build.Lead($"l{i}") with
            {
                Score = leads[i].Item2 ? leads[i].Item1 : null,
                Attributes = new Dictionary<string, object?> { ["timeline"] = leads[i].Item3 ? "now" : "later" },
            });

            for (var i = 0; i < leads.Length; i++)
            {
                var (score, scored, urgent) = leads[i];
                var tier = urgent ? "senior" : !scored ? "junior" : score >= 80 ? "senior" : score >= 50 ? "mid" : "junior";
                Assert.Equal(tier, Reps.Single(r => r.Id == decisions[i].RepId).Rep.Seniority);
            }
        }, iter: 300);
    }

    [Fact]
    public void Route_ValueTiers_BigDealsToSeniorsInTurn()
    {
        var flow = Build.Flow(ScoreTiersStrategy.StrategyName, options: new() { ["field"] = "value", ["tiers"] = "senior >= 100000, junior" });

        var decisions = Build.RouteMany(flow, Reps, 4, leads: i => Build.Lead($"l{i}") with { Value = 250_000m });

        Assert.Equal(["s1", "s2", "s1", "s2"], decisions.Select(d => d.RepId));
        Assert.Contains("value 250000 >= 100000 → tier 'senior'", decisions[0].Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_TiersNotDescending_Refused()
    {
        var (_, errors) = FlowCompiler.Compile(new FlowDocument
        {
            Rules = [new RuleDocument { Name = "r", Assign = new AssignDocument { To = new TargetDocument { Team = "t" }, Strategy = "score-tiers", Options = new() { ["tiers"] = "junior >= 10, senior >= 80" } } }],
            Fallback = new TargetDocument { Pool = "p" },
        }, 1);

        Assert.Equal("rules[0].assign.options.tiers", Assert.Single(errors).Field);
    }
}
