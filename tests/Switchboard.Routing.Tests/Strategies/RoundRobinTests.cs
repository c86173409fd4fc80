using CsCheck;
using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;

namespace Switchboard.Routing.Tests.Strategies;

public class RoundRobinTests
{
    [Fact]
    public void Pick_ThreeReps_CyclesInIdOrder()
    {
        var reps = new List<RepState> { Build.Rep("c"), Build.Rep("a"), Build.Rep("b") };

        var order = Build.RouteMany(Build.Flow(RoundRobinStrategy.StrategyName), reps, 7).Select(d => d.RepId);

        Assert.Equal(["a", "b", "c", "a", "b", "c", "a"], order);
    }

    [Fact]
    public void Pick_RepAway_SkippedAndTraceSaysWhy()
    {
        var reps = new List<RepState> { Build.Rep("a"), Build.Rep("b", status: RepStatus.Away), Build.Rep("c") };

        var decisions = Build.RouteMany(Build.Flow(RoundRobinStrategy.StrategyName), reps, 4);

        Assert.Equal(["a", "c", "a", "c"], decisions.Select(d => d.RepId));
        var b = decisions[0].Candidates.Single(c => c.RepId == "b");
        Assert.False(b.Eligible);
        Assert.Equal(["away"], b.Reasons);
    }

    [Fact]
    public void Pick_EqualReps_EveryPrefixWithinOne()
    {
        Gen.Int[1, 12].Select(Gen.Int[1, 200]).Sample((repCount, n) =>
        {
            var reps = Enumerable.Range(0, repCount).Select(i => Build.Rep($"r{i:00}")).ToList();
            var sequence = Build.RouteMany(Build.Flow(RoundRobinStrategy.StrategyName), reps, n).Select(d => d.RepId!).ToList();
            WeightedRoundRobinTests.AssertPrefixFair(sequence, reps.ToDictionary(r => r.Id, _ => 1));
        }, iter: 300);
    }
}
