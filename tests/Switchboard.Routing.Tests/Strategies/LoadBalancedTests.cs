using CsCheck;
using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;

namespace Switchboard.Routing.Tests.Strategies;

public class LoadBalancedTests
{
    [Fact]
    public void Pick_FewestOpenLeadsWins()
    {
        var reps = new List<RepState>
        {
            Build.Rep("a", load: new RepLoad(OpenLeads: 5)),
            Build.Rep("b", load: new RepLoad(OpenLeads: 2)),
            Build.Rep("c", load: new RepLoad(OpenLeads: 3)),
        };

        var decision = Router.Route(Build.Lead(), Build.Flow(LoadBalancedStrategy.StrategyName), reps, new Dictionary<string, StrategyState>(), Build.Now).Decision;

        Assert.Equal("b", decision.RepId);
        Assert.Contains("fewest open leads (2)", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Pick_TiedOnLoad_LongestSinceLastAssignmentWins()
    {
        var reps = new List<RepState>
        {
            Build.Rep("a", load: new RepLoad(OpenLeads: 1, LastAssignedAt: Build.Now.AddMinutes(-5))),
            Build.Rep("b", load: new RepLoad(OpenLeads: 1, LastAssignedAt: Build.Now.AddMinutes(-50))),
            Build.Rep("c", load: new RepLoad(OpenLeads: 1, LastAssignedAt: Build.Now.AddMinutes(-20))),
        };

        var decision = Router.Route(Build.Lead(), Build.Flow(LoadBalancedStrategy.StrategyName), reps, new Dictionary<string, StrategyState>(), Build.Now).Decision;

        Assert.Equal("b", decision.RepId);
    }

    [Fact]
    public void Pick_AllTied_WinnerDoesNotDependOnRepOrder()
    {
        var gen = Gen.Int[2, 10].SelectMany(n => Gen.Shuffle(Enumerable.Range(0, n).ToArray()).Select(order => (n, order))).Select(Gen.String[Gen.Char.AlphaNumeric, 1, 12]);

        gen.Sample((t, leadId) =>
        {
            var (n, order) = t;
            var reps = Enumerable.Range(0, n).Select(i => Build.Rep($"r{i}")).ToList();
            var shuffled = order.Select(i => reps[i]).ToList();
            var flow = Build.Flow(LoadBalancedStrategy.StrategyName, Switchboard.Routing.Flows.Target.Reps([.. shuffled.Select(r => r.Id)]));
            var inOrder = Router.Route(Build.Lead(leadId), Build.Flow(LoadBalancedStrategy.StrategyName), reps, new Dictionary<string, StrategyState>(), Build.Now);
            var reordered = Router.Route(Build.Lead(leadId), flow, shuffled, new Dictionary<string, StrategyState>(), Build.Now);
            Assert.Equal(inOrder.Decision.RepId, reordered.Decision.RepId);
        }, iter: 300);
    }

    [Fact]
    public void Pick_AllTied_FirstCreatedRepIsNotFavoured()
    {
        var reps = Enumerable.Range(0, 5).Select(i => Build.Rep($"r{i}")).ToList();

        var winners = Enumerable.Range(0, 500)
            .Select(i => Router.Route(Build.Lead($"lead-{i}"), Build.Flow(LoadBalancedStrategy.StrategyName), reps, new Dictionary<string, StrategyState>(), Build.Now).Decision.RepId)
            .GroupBy(r => r)
            .ToDictionary(g => g.Key!, g => g.Count());

        // With ties everywhere each of 5 reps should win about 100 of 500; creation order would give r0 all 500.
        Assert.Equal(5, winners.Count);
        Assert.All(winners.Values, count => Assert.InRange(count, 60, 140));
    }

    [Fact]
    public void RouteMany_KeepsOpenLoadWithinOne()
    {
        Gen.Int[1, 10].Select(Gen.Int[1, 200]).Sample((repCount, n) =>
        {
            var reps = Enumerable.Range(0, repCount).Select(i => Build.Rep($"r{i}")).ToList();
            var decisions = Build.RouteMany(Build.Flow(LoadBalancedStrategy.StrategyName), reps, n);
            var counts = decisions.GroupBy(d => d.RepId).Select(g => g.Count()).ToList();
            Assert.True(counts.Max() - (counts.Count < repCount ? 0 : counts.Min()) <= 1);
        }, iter: 200);
    }

    [Fact]
    public void Pick_LoadAssignedInWindow_CountsTheWindowNotOpenLeads()
    {
        var day = TimeSpan.FromHours(24);
        RepLoad Load(int open, int lastDay) => new(OpenLeads: open, History: new Dictionary<TimeSpan, RepHistory> { [day] = new(lastDay, 0, 0, 0) });
        var reps = new List<RepState> { Build.Rep("a", load: Load(1, 9)), Build.Rep("b", load: Load(30, 2)) };
        var flow = Build.Flow(LoadBalancedStrategy.StrategyName, options: new() { ["load"] = "assigned", ["window"] = "24h" });

        var decision = Router.Route(Build.Lead(), flow, reps, new Dictionary<string, StrategyState>(), Build.Now).Decision;

        Assert.Equal("b", decision.RepId);
        Assert.Contains("the fewest leads assigned in the last 1d (2)", decision.Explanation, StringComparison.Ordinal);
        Assert.Equal([day], flow.HistoryWindows);
    }
}
