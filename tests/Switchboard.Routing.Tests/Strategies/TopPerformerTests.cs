using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;

namespace Switchboard.Routing.Tests.Strategies;

public class TopPerformerTests
{
    private static readonly TimeSpan Window = TimeSpan.FromDays(90);

    private static RepLoad History(int assigned, int converted, int thisMonth = 0) =>
        new(AssignedThisMonth: thisMonth, History: new Dictionary<TimeSpan, RepHistory> { [Window] = new(assigned, converted, 0, 0) });

    [Fact]
    public void Route_SharesFollowConversionRates_WithinOneAtEveryPrefix()
    {
        // 30%, 15% and a new rep below the minimum sample (gets the average, 22.5%).
        var reps = new List<RepState>
        {
            Build.Rep("star", load: History(100, 30)),
            Build.Rep("steady", load: History(100, 15)),
            Build.Rep("new", load: History(5, 0)),
        };
        var flow = Build.Flow(TopPerformerStrategy.StrategyName, options: new() { ["monthlyCap"] = "0" });

        // Rates held where they are, to compare shares with them (the host also counts the new, unconverted leads).
        var decisions = Build.RouteMany(flow, reps, 270, fixedHistory: true);

        var ideal = new Dictionary<string, double> { ["star"] = 300 / 675.0, ["steady"] = 150 / 675.0, ["new"] = 225 / 675.0 };
        for (var n = 1; n <= decisions.Count; n++)
        {
            foreach (var (id, share) in ideal)
            {
                Assert.InRange(decisions.Take(n).Count(d => d.RepId == id) - (share * n), -1.0, 1.0);
            }
        }

        Assert.Contains("fewer than 20 measured leads: the group's average", decisions.First(d => d.RepId == "new").Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_MonthlyCap_StopsTheTopRepAtTheCap()
    {
        var reps = new List<RepState> { Build.Rep("star", load: History(100, 60, thisMonth: 8)), Build.Rep("ok", load: History(100, 10)) };
        var flow = Build.Flow(TopPerformerStrategy.StrategyName, options: new() { ["monthlyCap"] = "10" });

        var decisions = Build.RouteMany(flow, reps, 20);

        Assert.Equal(2, decisions.Count(d => d.RepId == "star"));
        Assert.Contains("at the top-performer monthly cap (10/10)", decisions[^1].Candidates.Single(c => c.RepId == "star").Reasons);
    }

    [Fact]
    public void HistoryWindow_IsWhatTheHostMustCount()
    {
        var flow = Build.Flow(TopPerformerStrategy.StrategyName, options: new() { ["window"] = "30d", ["measure"] = "close-rate" });

        Assert.Equal([TimeSpan.FromDays(30)], flow.HistoryWindows);
    }
}
