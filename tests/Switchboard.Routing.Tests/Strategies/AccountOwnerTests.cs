using Switchboard.Leads;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;

namespace Switchboard.Routing.Tests.Strategies;

public class AccountOwnerTests
{
    private static CompiledFlow Flow()
    {
        var (flow, errors) = FlowCompiler.Compile(new FlowDocument
        {
            Rules =
            [
                new RuleDocument { Name = "sticky", Assign = new AssignDocument { To = new TargetDocument { Team = "sdr" }, Strategy = "account-owner" } },
                new RuleDocument { Name = "rest", Assign = new AssignDocument { To = new TargetDocument { Team = "sdr" }, Strategy = "round-robin" } },
            ],
            Fallback = new TargetDocument { Pool = "p" },
        }, 1);
        Assert.Empty(errors);
        return flow!;
    }

    [Fact]
    public void Route_KnownAccount_GoesToItsOwner()
    {
        var lead = Build.Lead() with { Account = new AccountMatch("b", "company domain acme.com (earlier lead l0)") };

        var decision = Router.Route(lead, Flow(), [Build.Rep("a"), Build.Rep("b")], new Dictionary<string, StrategyState>(), Build.Now).Decision;

        Assert.Equal(("sticky", "b"), (decision.Rule, decision.RepId));
        Assert.True(Flow().NeedsAccount);
    }

    [Fact]
    public void Route_OwnerAwayOrNoAccount_FallsThroughToTheNextRule()
    {
        var lead = Build.Lead() with { Account = new AccountMatch("b", "company name") };
        var reps = new List<RepState> { Build.Rep("a"), Build.Rep("b", status: RepStatus.Away) };

        var away = Router.Route(lead, Flow(), reps, new Dictionary<string, StrategyState>(), Build.Now).Decision;
        var unknown = Router.Route(Build.Lead(), Flow(), reps, new Dictionary<string, StrategyState>(), Build.Now).Decision;

        Assert.Equal(("rest", "a"), (away.Rule, away.RepId));
        Assert.Contains("trying the next rule", away.Rules[0].Note, StringComparison.Ordinal);
        Assert.Equal(("rest", "a"), (unknown.Rule, unknown.RepId));
        Assert.Contains("no account or earlier lead of this company has an owner", unknown.Rules[0].Note, StringComparison.Ordinal);
    }
}
