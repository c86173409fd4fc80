using Switchboard.Leads;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;

namespace Switchboard.Routing.Tests;

/// <summary>Plain builders for test data.</summary>
internal static class Build
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    public static Lead Lead(string id = "lead-1") => new() { Id = id };

    public static RepState Rep(
        string id,
        int weight = 1,
        string team = "sdr",
        RepStatus status = RepStatus.Available,
        RepCaps? caps = null,
        RepLoad? load = null,
        string[]? territories = null,
        string[]? skills = null,
        string[]? languages = null,
        string? seniority = null) =>
        new(new Rep
        {
            Id = id,
            Name = id,
            TeamIds = [team],
            Weight = weight,
            Status = status,
            Caps = caps ?? RepCaps.None,
            Territories = territories ?? [],
            Skills = skills ?? [],
            Languages = languages ?? [],
            Seniority = seniority,
        }, load ?? RepLoad.Zero);

    /// <summary>Sets a rep's status (e.g. away for a while), keeping everything else.</summary>
    public static List<RepState> WithStatus(List<RepState> reps, string id, RepStatus status) =>
        [.. reps.Select(r => r.Id == id ? r with { Rep = r.Rep with { Status = status } } : r)];

    public static CompiledFlow Flow(
        string strategy,
        Target? target = null,
        string? when = null,
        NoneEligiblePolicy? policy = null,
        Dictionary<string, string>? options = null,
        string? fairness = null,
        int? catchUpMax = null,
        Dictionary<string, TerritoryDocument>? territories = null)
    {
        var rule = new RuleDocument
        {
            Name = "main",
            When = when,
            Assign = new AssignDocument
            {
                To = ToDocument(target ?? Target.Team("sdr")),
                Strategy = strategy.Length == 0 ? null : strategy,
                Options = options,
            },
            WhenNoneEligible = policy switch
            {
                null => null,
                NoneEligiblePolicy.NextRule => "next-rule",
                NoneEligiblePolicy.Fallback => "fallback",
                _ => "hold",
            },
            Fairness = fairness,
            CatchUpMax = catchUpMax,
        };
        var (flow, errors) = FlowCompiler.Compile(new FlowDocument { Rules = [rule], Fallback = new TargetDocument { Pool = "unassigned" }, Territories = territories }, 1);
        Assert.Empty(errors);
        return flow!;
    }

    /// <summary>Strategies that pick among all eligible reps without a lead-specific filter, with options they need.</summary>
    public static readonly string[] RotationStrategies =
        [.. StrategyCatalog.Names.Except(["territory", "skills", "score-tiers", "account-owner", "shotgun"])];

    private static TargetDocument ToDocument(Target t) => t.Kind switch
    {
        TargetKind.Team => new TargetDocument { Team = t.TeamId },
        TargetKind.Pool => new TargetDocument { Pool = t.PoolId },
        _ => new TargetDocument { Reps = [.. t.RepIds!] },
    };

    /// <summary>
    /// Routes leads one after another the way the host does: strategy state and rep load carried from
    /// each decision to the next. Returns the decisions in order.
    /// </summary>
    public static List<RoutingDecision> RouteMany(
        CompiledFlow flow,
        List<RepState> reps,
        int count,
        Func<int, List<RepState>, List<RepState>>? eligibilityChange = null,
        Func<int, Lead>? leads = null,
        Dictionary<string, StrategyState>? states = null,
        bool fixedHistory = false)
    {
        states ??= [];
        var decisions = new List<RoutingDecision>();
        for (var i = 0; i < count; i++)
        {
            if (eligibilityChange is not null)
            {
                reps = eligibilityChange(i, reps);
            }

            var outcome = Router.Route(leads?.Invoke(i) ?? Lead($"lead-{i}"), flow, reps, states, Now.AddSeconds(i));
            decisions.Add(outcome.Decision);
            if (outcome.StateKey is { } key)
            {
                states[key] = outcome.NewState!;
            }

            if (outcome.Decision.RepId is { } repId)
            {
                reps = [.. reps.Select(r =>
                {
                    var load = r.Load.AfterAssignment(Now.AddSeconds(i));
                    return r.Id != repId ? r : r with { Load = fixedHistory ? load with { History = r.Load.History } : load };
                })];
            }
        }

        return decisions;
    }
}
