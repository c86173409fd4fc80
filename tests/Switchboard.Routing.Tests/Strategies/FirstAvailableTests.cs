using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;

namespace Switchboard.Routing.Tests.Strategies;

public class FirstAvailableTests
{
    [Fact]
    public void Pick_IdleLongestEligibleRepWins_RepAtMaxOpenIsSkipped()
    {
        var reps = new List<RepState>
        {
            Build.Rep("a", load: new RepLoad(OpenLeads: 1, LastAssignedAt: Build.Now.AddMinutes(-5))),
            Build.Rep("b", caps: new RepCaps(MaxOpen: 2), load: new RepLoad(OpenLeads: 2, LastAssignedAt: Build.Now.AddHours(-3))),
            Build.Rep("c", load: new RepLoad(OpenLeads: 9, LastAssignedAt: Build.Now.AddMinutes(-40))),
        };

        var decision = Router.Route(Build.Lead(), Build.Flow(FirstAvailableStrategy.StrategyName), reps, new Dictionary<string, StrategyState>(), Build.Now).Decision;

        Assert.Equal("c", decision.RepId);
        Assert.Contains("idle longest", decision.Explanation, StringComparison.Ordinal);
        Assert.Equal(["at max open leads (2/2)"], decision.Candidates.Single(c => c.RepId == "b").Reasons);
    }

    [Fact]
    public void RouteMany_RotatesThroughEveryoneBeforeRepeating()
    {
        var reps = Enumerable.Range(0, 6).Select(i => Build.Rep($"r{i}")).ToList();

        var decisions = Build.RouteMany(Build.Flow(FirstAvailableStrategy.StrategyName), reps, 18);

        for (var round = 0; round < 3; round++)
        {
            Assert.Equal(6, decisions.Skip(round * 6).Take(6).Select(d => d.RepId).Distinct().Count());
        }
    }
}
