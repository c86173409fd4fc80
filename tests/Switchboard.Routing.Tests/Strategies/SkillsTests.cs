using CsCheck;
using Switchboard.Leads;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;

namespace Switchboard.Routing.Tests.Strategies;

public class SkillsTests
{
    private static CompiledFlow Flow(Dictionary<string, string> options) => Build.Flow(SkillsStrategy.StrategyName, options: options);

    [Fact]
    public void Route_RandomSkills_WinnerHasEveryRequiredSkillAndTheLeadsLanguage()
    {
        string[] skills = ["enterprise", "security", "healthcare", "analytics"];
        string[] languages = ["en", "de", "es"];
        var flow = Flow(new() { ["required"] = "security", ["language"] = "required", ["industry"] = "preferred" });
        var genRep = Gen.Select(Gen.Int[0, 15], Gen.Int[1, 7]);

        Gen.Select(genRep.Array[1, 8], Gen.Int[0, 2].Array[1, 30]).Sample((repSpecs, leadLanguages) =>
        {
            var reps = repSpecs.Select((s, i) => Build.Rep($"r{i}",
                skills: [.. skills.Where((_, b) => (s.Item1 & (1 << b)) != 0)],
                languages: [.. languages.Where((_, b) => (s.Item2 & (1 << b)) != 0)])).ToList();
            var leads = leadLanguages.Select((l, i) => Build.Lead($"l{i}") with { Language = languages[l], Company = new Company { Industry = "healthcare" } }).ToList();

            var decisions = Build.RouteMany(flow, reps, leads.Count, leads: i => leads[i]);

            for (var i = 0; i < leads.Count; i++)
            {
                var qualified = reps.Where(r => r.Rep.Skills.Contains("security") && r.Rep.Languages.Contains(leads[i].Language!)).ToList();
                if (qualified.Count == 0)
                {
                    Assert.Equal(DecisionKind.Held, decisions[i].Kind);
                    continue;
                }

                var winner = qualified.Single(r => r.Id == decisions[i].RepId);
                // Preferred industry ranks: if any qualified rep knows healthcare, the winner does.
                Assert.Equal(qualified.Any(r => r.Rep.Skills.Contains("healthcare")), winner.Rep.Skills.Contains("healthcare"));
            }
        }, iter: 300);
    }

    [Fact]
    public void Route_PreferredLanguageWithRelaxAfter_WaitsThenAnyoneMayTakeIt()
    {
        var flow = Flow(new() { ["language"] = "preferred", ["relaxAfter"] = "15m" });
        var reps = new List<RepState> { Build.Rep("anna", languages: ["en"]), Build.Rep("bob", languages: ["en"]) };
        var lead = Build.Lead() with { Language = "es", ReceivedAt = Build.Now };

        var early = Router.Route(lead, flow, reps, new Dictionary<string, StrategyState>(), Build.Now.AddMinutes(14).AddSeconds(59)).Decision;
        var late = Router.Route(lead, flow, reps, new Dictionary<string, StrategyState>(), Build.Now.AddMinutes(15)).Decision;

        Assert.Equal(DecisionKind.Held, early.Kind);
        Assert.Contains("lacks language 'es' (preferred skills are required until the lead has waited 15m; waited 14m)", early.HeldReason, StringComparison.Ordinal);
        Assert.Equal(DecisionKind.Assigned, late.Kind);
    }

    [Fact]
    public void Route_SizeBandAndProduct_MatchRepSkills()
    {
        var flow = Flow(new() { ["sizeBand"] = "required", ["product"] = "preferred" });
        var reps = new List<RepState>
        {
            Build.Rep("smb", skills: ["smb", "analytics"]),
            Build.Rep("ent", skills: ["enterprise"]),
            Build.Rep("ent-analytics", skills: ["Enterprise", "analytics"]),
        };
        var lead = Build.Lead() with { Company = new Company { Employees = 5000 }, ProductInterest = "analytics" };

        var decision = Router.Route(lead, flow, reps, new Dictionary<string, StrategyState>(), Build.Now).Decision;

        Assert.Equal("ent-analytics", decision.RepId);
        Assert.Equal(["lacks size band 'enterprise'"], decision.Candidates.Single(c => c.RepId == "smb").Reasons);
    }

    [Theory]
    [InlineData("relaxAfter", "15m", "relaxAfter relaxes preferred skills")]
    [InlineData("language", "maybe", "not one of required, preferred")]
    [InlineData("sizeBands", "big, small<10", "smallest first")]
    public void Compile_BadOptions_Named(string key, string value, string message)
    {
        var (_, errors) = FlowCompiler.Compile(new FlowDocument
        {
            Rules = [new RuleDocument { Name = "r", Assign = new AssignDocument { To = new TargetDocument { Team = "t" }, Strategy = "skills", Options = new() { ["required"] = "x", [key] = value } } }],
            Fallback = new TargetDocument { Pool = "p" },
        }, 1);

        var error = Assert.Single(errors);
        Assert.Equal($"rules[0].assign.options.{key}", error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
