using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;

namespace Switchboard.Routing.Tests.Strategies;

public class RandomWeightedTests
{
    [Fact]
    public void Pick_Split70_30Over10000Leads_SharesWithinTwoPercent()
    {
        var reps = new List<RepState> { Build.Rep("a", 70), Build.Rep("b", 30) };

        var decisions = Build.RouteMany(Build.Flow(RandomWeightedStrategy.StrategyName), reps, 10_000);

        var a = decisions.Count(d => d.RepId == "a");
        Assert.InRange(a, 6_800, 7_200);
    }

    [Fact]
    public void Pick_SameLead_SameRepEveryTime()
    {
        var reps = new List<RepState> { Build.Rep("a", 1), Build.Rep("b", 1), Build.Rep("c", 1) };
        var flow = Build.Flow(RandomWeightedStrategy.StrategyName);

        var picks = Enumerable.Range(0, 5).Select(_ => Router.Route(Build.Lead("lead-42"), flow, reps, new Dictionary<string, StrategyState>(), Build.Now).Decision.RepId).Distinct();

        Assert.Single(picks);
    }
}
