using CsCheck;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;

namespace Switchboard.Routing.Tests;

public class RouterTests
{
    private static readonly Dictionary<string, StrategyState> NoState = [];

    [Fact]
    public void Route_NobodyEligible_HeldWithReasonNamingEachRep()
    {
        var reps = new List<RepState>
        {
            Build.Rep("a", status: RepStatus.Away),
            Build.Rep("b", status: RepStatus.Offline),
            Build.Rep("c", caps: new RepCaps(PerDay: 5), load: new RepLoad(AssignedToday: 5)),
        };

        var decision = Router.Route(Build.Lead(), Build.Flow(RoundRobinStrategy.StrategyName), reps, NoState, Build.Now).Decision;

        Assert.Equal(DecisionKind.Held, decision.Kind);
        Assert.Null(decision.RepId);
        Assert.Contains("a: away", decision.HeldReason, StringComparison.Ordinal);
        Assert.Contains("b: offline", decision.HeldReason, StringComparison.Ordinal);
        Assert.Contains("c: at daily cap (5/5)", decision.HeldReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_NobodyEligibleInABigTeam_ReasonGroupsRepsBySameReasons_TraceStillListsEach()
    {
        var reps = Enumerable.Range(0, 100).Select(i => Build.Rep($"r{i:00}", status: i == 50 ? RepStatus.Offline : RepStatus.Away)).ToList();

        var decision = Router.Route(Build.Lead(), Build.Flow(RoundRobinStrategy.StrategyName), reps, NoState, Build.Now).Decision;

        Assert.Equal(DecisionKind.Held, decision.Kind);
        Assert.Contains("no eligible rep among 100 in team 'sdr' (r00, r01, r02 and 96 more: away; r50: offline)", decision.HeldReason, StringComparison.Ordinal);
        Assert.Equal(100, decision.Candidates.Count);
        Assert.All(decision.Candidates, c => Assert.False(c.Eligible));
    }

    [Fact]
    public void Route_TraceListsEveryCandidateWithReasons()
    {
        var reps = new List<RepState>
        {
            Build.Rep("a"),
            Build.Rep("b", caps: new RepCaps(MaxOpen: 3), load: new RepLoad(OpenLeads: 3)),
            Build.Rep("c", team: "other"),
        };

        var decision = Router.Route(Build.Lead(), Build.Flow(RoundRobinStrategy.StrategyName), reps, NoState, Build.Now).Decision;

        Assert.Equal(["a", "b"], decision.Candidates.Select(c => c.RepId));
        Assert.True(decision.Candidates[0].Eligible);
        Assert.Equal(["at max open leads (3/3)"], decision.Candidates[1].Reasons);
        Assert.Equal("main", decision.Rule);
        Assert.Equal("round-robin", decision.Strategy);
        Assert.Equal("(empty)", decision.StateBefore);
        Assert.StartsWith("pointer=a; balances={a: 0.00}", decision.StateAfter, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_RandomCapsAndLeads_NoRepEverExceedsACapAndExtraLeadsAreHeld()
    {
        var gen = Gen.Int[0, 6].Array[1, 6].Select(Gen.Int[0, 60], Gen.Int[0, Build.RotationStrategies.Length - 1].Select(i => Build.RotationStrategies[i]));

        gen.Sample((caps, n, strategy) =>
        {
            var reps = caps.Select((cap, i) => Build.Rep($"r{i}", weight: i + 1, caps: new RepCaps(PerDay: cap))).ToList();
            var decisions = Build.RouteMany(Build.Flow(strategy), reps, n);

            for (var i = 0; i < reps.Count; i++)
            {
                Assert.True(decisions.Count(d => d.RepId == reps[i].Id) <= caps[i]);
            }

            var capacity = caps.Sum();
            Assert.Equal(Math.Min(n, capacity), decisions.Count(d => d.Kind == DecisionKind.Assigned));
            Assert.All(decisions.Where(d => d.Kind == DecisionKind.Held), d => Assert.Contains("at daily cap", d.HeldReason, StringComparison.Ordinal));
        }, iter: 300);
    }

    [Fact]
    public void Route_RandomTeams_TraceListsEveryTeamMemberOnceWithAReasonForEachExclusion()
    {
        var gen = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 3], Gen.Bool).Array[1, 15];

        gen.Sample(reps =>
        {
            var states = reps.Select((r, i) => Build.Rep($"r{i:00}", team: r.Item1 == 0 ? "other" : "sdr",
                status: r.Item2 switch { 1 => RepStatus.Away, 2 => RepStatus.Offline, _ => RepStatus.Available },
                caps: new RepCaps(MaxOpen: 1), load: new RepLoad(OpenLeads: r.Item3 ? 1 : 0))).ToList();

            var decision = Router.Route(Build.Lead(), Build.Flow(RoundRobinStrategy.StrategyName), states, NoState, Build.Now).Decision;

            var members = states.Where(s => s.Rep.TeamIds.Contains("sdr")).Select(s => s.Id).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(members, decision.Candidates.Select(c => c.RepId));
            Assert.All(decision.Candidates, c => Assert.Equal(c.Eligible, c.Reasons.Count == 0));
            var eligible = decision.Candidates.Where(c => c.Eligible).Select(c => c.RepId).ToList();
            if (eligible.Count == 0)
            {
                Assert.Equal(DecisionKind.Held, decision.Kind);
            }
            else
            {
                Assert.Contains(decision.RepId, eligible);
            }
        }, iter: 500);
    }

    [Fact]
    public void Route_NoRuleMatches_FallbackPool()
    {
        var flow = Build.Flow(RoundRobinStrategy.StrategyName, when: "country == 'DE'");

        var decision = Router.Route(Build.Lead() with { Country = "US" }, flow, [Build.Rep("a")], NoState, Build.Now).Decision;

        Assert.Equal(DecisionKind.Pooled, decision.Kind);
        Assert.Equal("unassigned", decision.PoolId);
        Assert.Equal("fallback", decision.Rule);
        Assert.False(decision.Rules.Single().Matched);
        Assert.Contains("no rule matched", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_NextRulePolicy_FallsThroughWhenNobodyEligible()
    {
        var document = new FlowDocument
        {
            Rules =
            [
                new RuleDocument { Name = "first", WhenNoneEligible = "next-rule", Assign = new AssignDocument { To = new TargetDocument { Rep = "a" }, Strategy = "round-robin" } },
                new RuleDocument { Name = "second", Assign = new AssignDocument { To = new TargetDocument { Rep = "b" }, Strategy = "round-robin" } },
            ],
            Fallback = new TargetDocument { Pool = "unassigned" },
        };
        var flow = FlowCompiler.Compile(document, 3).Flow!;
        var reps = new List<RepState> { Build.Rep("a", status: RepStatus.Away), Build.Rep("b") };

        var decision = Router.Route(Build.Lead(), flow, reps, NoState, Build.Now).Decision;

        Assert.Equal("b", decision.RepId);
        Assert.Equal("second", decision.Rule);
        Assert.Equal(3, decision.FlowVersion);
        Assert.Contains("trying the next rule", decision.Rules[0].Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_AwayUntilPassed_RepIsEligibleAgain()
    {
        var rep = Build.Rep("a", status: RepStatus.Away);
        rep = rep with { Rep = rep.Rep with { AwayUntil = Build.Now.AddMinutes(-1) } };

        var decision = Router.Route(Build.Lead(), Build.Flow(RoundRobinStrategy.StrategyName), [rep], NoState, Build.Now).Decision;

        Assert.Equal("a", decision.RepId);
    }

    [Fact]
    public void Route_PoolTarget_Pools()
    {
        var flow = Build.Flow("", Target.Pool("west"));

        var decision = Router.Route(Build.Lead(), flow, [], NoState, Build.Now).Decision;

        Assert.Equal(DecisionKind.Pooled, decision.Kind);
        Assert.Equal("west", decision.PoolId);
    }

    [Theory]
    [InlineData("2026-11-23T23:59:00Z", false)] // Tuesday 08:59 in Tokyo
    [InlineData("2026-11-24T00:00:00Z", true)] // Tuesday 09:00
    [InlineData("2026-11-24T08:29:00Z", true)] // 17:29, still inside 09:00-17:30
    [InlineData("2026-11-24T08:30:00Z", false)] // 17:30: the end is exclusive
    [InlineData("2026-11-25T00:00:00Z", false)] // Wednesday 09:00: a day off
    public void Route_TokyoWorkingHours_EligibleFromNineLocal(string utc, bool eligible)
    {
        var hours = new WorkingHours(new Dictionary<DayOfWeek, IReadOnlyList<TimeBlock>>
        {
            [DayOfWeek.Tuesday] = [new TimeBlock(new TimeOnly(9, 0), new TimeOnly(17, 30))],
        });
        var rep = Build.Rep("kenji");
        rep = rep with { Rep = rep.Rep with { TimeZone = "Asia/Tokyo", WorkingHours = hours } };
        var now = DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);

        var decision = Router.Route(Build.Lead(), Build.Flow(RoundRobinStrategy.StrategyName), [rep], NoState, now).Decision;

        Assert.Equal(eligible, decision.Kind == DecisionKind.Assigned);
        if (!eligible)
        {
            Assert.Contains("outside working hours", decision.Candidates.Single().Reasons.Single(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CapPeriods_TokyoRep_DayTurnsAtLocalMidnight()
    {
        var before = CapPeriods.For("Asia/Tokyo", new DateTimeOffset(2026, 11, 23, 14, 59, 0, TimeSpan.Zero));
        var after = CapPeriods.For("Asia/Tokyo", new DateTimeOffset(2026, 11, 23, 15, 0, 0, TimeSpan.Zero));

        Assert.Equal("d:2026-11-23", before.Day);
        Assert.Equal("d:2026-11-24", after.Day);
        Assert.Equal("w:2026-W48", after.Week);
    }

    [Fact]
    public void Route_RepOnHolidayInTheirOwnZone_SkippedWithTheCalendarNamed()
    {
        var rep = Build.Rep("kenji");
        rep = rep with { Rep = rep.Rep with { TimeZone = "Asia/Tokyo", Holidays = new Dictionary<DateOnly, string> { [new DateOnly(2026, 11, 24)] = "region JP" } } };
        var flow = Build.Flow(RoundRobinStrategy.StrategyName);

        // 2026-11-23 15:00 UTC is already the 24th in Tokyo.
        var decision = Router.Route(Build.Lead(), flow, [rep, Build.Rep("ana")], NoState, new DateTimeOffset(2026, 11, 23, 15, 0, 0, TimeSpan.Zero)).Decision;

        Assert.Equal("ana", decision.RepId);
        Assert.Equal(["on holiday (2026-11-24, region JP)"], decision.Candidates.Single(c => c.RepId == "kenji").Reasons);
    }

    [Fact]
    public void Route_TeamAtItsDailyCap_EveryMemberSkippedAndTheDecisionNamesTheTeam()
    {
        var teams = new Dictionary<string, TeamState> { ["sdr"] = new("sdr", new RepCaps(PerDay: 10), new RepLoad(AssignedToday: 10)) };
        var flow = Build.Flow(RoundRobinStrategy.StrategyName);

        var capped = Router.Route(Build.Lead(), flow, [Build.Rep("a"), Build.Rep("b")], NoState, Build.Now, teams).Decision;
        var open = Router.Route(Build.Lead(), flow, [Build.Rep("a")], NoState, Build.Now, new Dictionary<string, TeamState> { ["sdr"] = teams["sdr"] with { Load = new RepLoad(AssignedToday: 9) } }).Decision;

        Assert.Equal(DecisionKind.Held, capped.Kind);
        Assert.All(capped.Candidates, c => Assert.Equal(["team 'sdr' at daily cap (10/10)"], c.Reasons));
        Assert.Equal(("a", "sdr"), (open.RepId, open.TeamId));
    }

    [Fact]
    public void Route_HoldFor_HeldUntilTheLimitThenTheFallback()
    {
        var (flow, _) = FlowCompiler.Compile(new FlowDocument
        {
            Rules = [new RuleDocument { Name = "main", HoldFor = "30m", Assign = new AssignDocument { To = new TargetDocument { Team = "sdr" }, Strategy = "round-robin" } }],
            Fallback = new TargetDocument { Rep = "dana" },
        }, 1);
        List<RepState> reps = [Build.Rep("a", status: RepStatus.Away), Build.Rep("dana", team: "managers")];
        var lead = Build.Lead() with { HeldSince = Build.Now };

        var early = Router.Route(lead, flow!, reps, NoState, Build.Now.AddMinutes(29)).Decision;
        var late = Router.Route(lead, flow!, reps, NoState, Build.Now.AddMinutes(30)).Decision;

        Assert.Equal(DecisionKind.Held, early.Kind);
        Assert.Contains("holding (at most 30m, then the fallback)", early.Rules[0].Note, StringComparison.Ordinal);
        Assert.Equal(("fallback", "dana"), (late.Rule, late.RepId));
        Assert.Contains("the rule's holdFor 30m has passed", late.Explanation, StringComparison.Ordinal);
        Assert.NotNull(late.Alert);
    }

    [Theory]
    [InlineData("pool:overflow", DecisionKind.Pooled, null)]
    [InlineData("rep:dana", DecisionKind.Assigned, "dana")]
    public void Route_OtherwisePolicy_PoolOrDefaultOwnerWithAnAlert(string policy, DecisionKind kind, string? rep)
    {
        var (flow, errors) = FlowCompiler.Compile(new FlowDocument
        {
            Rules = [new RuleDocument { Name = "main", WhenNoneEligible = policy, Assign = new AssignDocument { To = new TargetDocument { Team = "sdr" }, Strategy = "round-robin" } }],
            Fallback = new TargetDocument { Pool = "unassigned" },
        }, 1);
        Assert.Empty(errors);

        var decision = Router.Route(Build.Lead(), flow!, [Build.Rep("a", status: RepStatus.Offline), Build.Rep("dana", team: "managers")], NoState, Build.Now).Decision;

        Assert.Equal((kind, rep), (decision.Kind, decision.RepId));
        Assert.Equal(kind == DecisionKind.Pooled ? "overflow" : null, decision.PoolId);
        Assert.Equal("rule 'main': no eligible rep among 1 in team 'sdr' (a: offline)", decision.Alert);
    }
}
