using CsCheck;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;

namespace Switchboard.Routing.Tests.Strategies;

public class ShotgunTests
{
    [Fact]
    public void Route_OffersTheGroupIdleLongest_WithTheDefaultWindow()
    {
        var now = Build.Now;
        var reps = new List<RepState>
        {
            Build.Rep("busy", load: new RepLoad(LastAssignedAt: now.AddMinutes(-1))),
            Build.Rep("idle", load: new RepLoad(LastAssignedAt: now.AddHours(-5))),
            Build.Rep("new"),
            Build.Rep("away", status: RepStatus.Away),
        };

        var decision = Router.Route(Build.Lead(), Build.Flow("shotgun", options: new() { ["size"] = "2" }), reps, new Dictionary<string, StrategyState>(), now).Decision;

        Assert.Equal(DecisionKind.Offered, decision.Kind);
        Assert.Equal(["new", "idle"], decision.OfferedRepIds);
        Assert.Equal(TimeSpan.FromMinutes(5), decision.OfferWindow);
        Assert.Null(decision.RepId);
    }

    [Fact]
    public void Route_NeverOffersToExcludedOrIneligibleReps_AndFallsToThePolicyWhenNobodyIsLeft()
    {
        var gen = Gen.Select(Gen.Int[1, 8], Gen.Int[1, 4], Gen.Int[0, 255]);
        gen.Sample((count, size, mask) =>
        {
            var reps = Enumerable.Range(0, count).Select(i => Build.Rep($"r{i}", status: i % 3 == 2 ? RepStatus.Away : RepStatus.Available)).ToList();
            var excluded = reps.Where((_, i) => (mask & (1 << i)) != 0).Select(r => r.Id).ToList();
            var lead = Build.Lead() with { ExcludedRepIds = excluded };
            var flow = Build.Flow("shotgun", options: new() { ["size"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture) }, policy: NoneEligiblePolicy.Fallback);

            var decision = Router.Route(lead, flow, reps, new Dictionary<string, StrategyState>(), Build.Now).Decision;

            var open = reps.Where(r => r.Rep.Status == RepStatus.Available && !excluded.Contains(r.Id)).Select(r => r.Id).ToList();
            if (open.Count == 0)
            {
                return decision.Kind == DecisionKind.Pooled && decision.PoolId == "unassigned";
            }

            return decision.Kind == DecisionKind.Offered && decision.OfferedRepIds!.Count == Math.Min(size, open.Count) && decision.OfferedRepIds.All(open.Contains);
        }, iter: 300);
    }
}
