using Switchboard.Routing.Flows;

namespace Switchboard.Routing.Tests.Flows;

public class FlowCompilerTests
{
    private static RuleDocument Rule(string name, string? when = null, string strategy = "round-robin", Dictionary<string, string>? options = null) =>
        new() { Name = name, When = when, Assign = new AssignDocument { To = new TargetDocument { Team = "sdr" }, Strategy = strategy, Options = options } };

    [Fact]
    public void Compile_AThousandRules_Compiles_OneMoreIsRefused()
    {
        FlowDocument Of(int n) => new() { Rules = [.. Enumerable.Range(0, n).Select(i => Rule($"r{i}", $"score > {i}"))], Fallback = new TargetDocument { Pool = "p" } };

        Assert.NotNull(FlowCompiler.Compile(Of(1_000), 1).Flow);
        var (flow, errors) = FlowCompiler.Compile(Of(1_001), 1);
        Assert.Null(flow);
        Assert.Equal(("rules", "a flow may have at most 1,000 rules; this one has 1,001"), (errors.Single().Field, errors.Single().Message));
    }

    [Fact]
    public void Compile_BadCondition_NamesRuleFieldAndPosition()
    {
        var doc = new FlowDocument { Rules = [Rule("ok"), Rule("broken", "value >> 3")], Fallback = new TargetDocument { Pool = "p" } };

        var (flow, errors) = FlowCompiler.Compile(doc, 1);

        Assert.Null(flow);
        var error = Assert.Single(errors);
        Assert.Equal("rules[1].when", error.Field);
        Assert.Equal("broken", error.Rule);
        Assert.Equal(8, error.Position);
        Assert.Contains("rule 'broken'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_UnknownStrategyAndOption_AreRejectedWhenSaved()
    {
        var doc = new FlowDocument
        {
            Rules = [Rule("a", strategy: "round-robbin"), Rule("b", strategy: "load-balanced", options: new() { ["lod"] = "open" })],
            Fallback = new TargetDocument { Pool = "p" },
        };

        var (_, errors) = FlowCompiler.Compile(doc, 1);

        Assert.Contains(errors, e => e.Field == "rules[0].assign.strategy" && e.Message.Contains("unknown strategy 'round-robbin'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "rules[1].assign.options.lod" && e.Message.Contains("no option 'lod'", StringComparison.Ordinal));
    }

    [Fact]
    public void Compile_MissingFallbackDuplicateNamesAndTwoTargets_AllReported()
    {
        var twoTargets = Rule("x");
        twoTargets.Assign!.To!.Pool = "p";
        var doc = new FlowDocument { Rules = [Rule("x"), twoTargets] };

        var (_, errors) = FlowCompiler.Compile(doc, 1);

        Assert.Contains(errors, e => e.Field == "fallback");
        Assert.Contains(errors, e => e.Field == "rules[1].name" && e.Message.Contains("used twice", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "rules[1].assign.to" && e.Message.Contains("exactly one target", StringComparison.Ordinal));
    }
}
