using CsCheck;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;

namespace Switchboard.Routing.Tests;

/// <summary>A rep away for a while, then back, under each fairness mode; and the ledger's invariants.</summary>
public class FairnessTests
{
    private static readonly List<RepState> Abc = [Build.Rep("a"), Build.Rep("b"), Build.Rep("c")];

    /// <summary>b is away for leads 4..15 (12 leads) and back from lead 16.</summary>
    private static (List<RoutingDecision> Decisions, Dictionary<string, StrategyState> States) AwayForTwelve(string fairness, int? catchUpMax = null)
    {
        var flow = Build.Flow(RoundRobinStrategy.StrategyName, fairness: fairness, catchUpMax: catchUpMax);
        var states = new Dictionary<string, StrategyState>();
        var decisions = Build.RouteMany(flow, Abc, 30,
            eligibilityChange: (i, reps) => Build.WithStatus(reps, "b", i is >= 4 and < 16 ? RepStatus.Away : RepStatus.Available),
            states: states);
        return (decisions, states);
    }

    private static string Sequence(List<RoutingDecision> decisions, int from, int count) =>
        string.Concat(decisions.Skip(from).Take(count).Select(d => d.RepId));

    [Fact]
    public void KeepPlace_ReturningRepResumesTheirTurn()
    {
        var (decisions, states) = AwayForTwelve("keep-place");

        Assert.Equal("abca", Sequence(decisions, 0, 4));
        Assert.Equal("cacacacacaca", Sequence(decisions, 4, 12));
        Assert.Equal("bcabca", Sequence(decisions, 16, 6)); // a was served last, b is next in order
        Assert.Equal(-4.0, states.Values.Single().Balances["b"], 6); // -0.33 before leaving, a third of 12 missed leads, even since: the deficit stays visible
        Assert.Contains("b is back owed 4.33 lead(s) and resumes their place (fairness keep-place)", decisions[16].Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void CatchUp_ReturningRepGetsBoundedExtraTurnsThenRotationResumes()
    {
        var (decisions, states) = AwayForTwelve("catch-up", catchUpMax: 3);

        Assert.Equal("bbb", Sequence(decisions, 16, 3)); // owed 4.33, at most 3 extra turns
        Assert.Equal("cabcab", Sequence(decisions, 19, 6)); // then the others, and the rotation goes on after b
        Assert.Contains("b is back owed 4.33 lead(s): 3 extra turn(s) (fairness catch-up (at most 3 extra turns))", decisions[16].Explanation, StringComparison.Ordinal);
        Assert.Equal(-3.0, states.Values.Single().Balances["b"], 6); // 3 of the 4.33 owed made up; b is last in the rotation afterwards
    }

    [Fact]
    public void Reset_ReturningRepStartsCleanAtTheBack()
    {
        var (decisions, states) = AwayForTwelve("reset");

        Assert.Equal("cab", Sequence(decisions, 16, 3)); // the two others first, then b
        Assert.Equal("cab", Sequence(decisions, 19, 3)); // and the rotation goes on with b at the back
        Assert.Contains("b is back: balance cleared, behind the 2 others (fairness reset)", decisions[16].Explanation, StringComparison.Ordinal);
        Assert.InRange(states.Values.Single().Balances["b"], -1.0, 1.0);
    }

    [Fact]
    public void Ledger_RandomAbsences_CatchUpNeverExceedsItsBoundAndBalancesSumToZero()
    {
        Gen.Select(Gen.Int[2, 6], Gen.Int[1, 5], Gen.Int[0, 3].Array[60]).Sample((repCount, max, absentAt) =>
        {
            var reps = Enumerable.Range(0, repCount).Select(i => Build.Rep($"r{i}", weight: i + 1)).ToList();
            var flow = Build.Flow(WeightedRoundRobinStrategy.StrategyName, fairness: "catch-up", catchUpMax: max);
            var states = new Dictionary<string, StrategyState>();

            // Lead i: rep absentAt[i] is away when that is a valid index (so r0..r3 come and go).
            var decisions = Build.RouteMany(flow, reps, 60,
                eligibilityChange: (i, rs) => [.. rs.Select(r => r with { Rep = r.Rep with { Status = r.Id == $"r{absentAt[i]}" ? RepStatus.Away : RepStatus.Available } })],
                states: states);

            // Extra turns come in runs of at most catchUpMax for one rep.
            var run = 0;
            for (var i = 0; i < decisions.Count; i++)
            {
                var extra = decisions[i].Explanation.Contains("catch-up: ", StringComparison.Ordinal);
                run = !extra ? 0 : i > 0 && run > 0 && decisions[i - 1].RepId == decisions[i].RepId ? run + 1 : 1;
                Assert.InRange(run, 0, max);
            }

            Assert.All(states.Values.Single().ExtraTurns.Values, v => Assert.InRange(v, 1, max));
            Assert.Equal(0.0, states.Values.Single().Balances.Values.Sum(), 6);
        }, iter: 200);
    }

    [Fact]
    public void Ledger_NobodyAway_WeightedBalancesStayWithinOne()
    {
        Gen.Int[1, 10].Array[1, 8].Sample(weights =>
        {
            var reps = weights.Select((w, i) => Build.Rep($"r{i}", weight: w)).ToList();
            var flow = Build.Flow(WeightedRoundRobinStrategy.StrategyName);
            var states = new Dictionary<string, StrategyState>();
            for (var n = 0; n < 40; n++)
            {
                Build.RouteMany(flow, reps, 1, leads: _ => Build.Lead($"l{n}"), states: states);
                Assert.All(states.Values.Single().Balances.Values, b => Assert.InRange(b, -1.0, 1.0));
            }
        }, iter: 200);
    }

    [Fact]
    public void Compile_FairnessOptions_Validated()
    {
        var (_, errors) = FlowCompiler.Compile(new FlowDocument
        {
            Rules =
            [
                new RuleDocument { Name = "x", Fairness = "sometimes", Assign = new AssignDocument { To = new TargetDocument { Team = "t" }, Strategy = "round-robin" } },
                new RuleDocument { Name = "y", Fairness = "reset", CatchUpMax = 3, Assign = new AssignDocument { To = new TargetDocument { Team = "t" }, Strategy = "round-robin" } },
                new RuleDocument { Name = "z", WhenNoneEligible = "pool:", HoldFor = "soon", Assign = new AssignDocument { To = new TargetDocument { Team = "t" }, Strategy = "round-robin" } },
            ],
            Fallback = new TargetDocument { Pool = "p" },
        }, 1);

        Assert.Equal(["rules[0].fairness", "rules[1].catchUpMax", "rules[2].whenNoneEligible", "rules[2].holdFor"], errors.Select(e => e.Field));
    }
}
