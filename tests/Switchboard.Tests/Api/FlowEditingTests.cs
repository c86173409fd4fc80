using Switchboard.Distribution;

namespace Switchboard.Tests.Api;

/// <summary>Where the flow editor shows a problem: at the line and column of the field it names.</summary>
public sealed class FlowEditingTests
{
    private const string Flow = "rules:\n  - name: main\n    assign: { to: { team: sdr }, strategy: round-robbin }\n  - name: second\n    when: country == 'DE'\n    assign:\n      to: { pool: de }\nfallback: { pool: unassigned }\n";

    [Theory]
    [InlineData("rules[0].assign.strategy", 3, 34)]
    [InlineData("rules[1].when", 5, 5)]
    [InlineData("rules[1].assign.to", 7, 7)]
    [InlineData("rules[1]", 4, 5)]
    [InlineData("fallback", 8, 1)]
    [InlineData("rules[1].assign.strategy", 6, 5)] // not written: the deepest part that is
    public void LocatesAFieldAtItsKey(string field, int line, int column) =>
        Assert.Equal((line, column), FlowEditing.Locate(Flow, field));

    [Fact]
    public void AFieldOutsideTheTextOrTextThatDoesNotParse_HasNoPlace()
    {
        Assert.Null(FlowEditing.Locate(Flow, "territories.west"));
        Assert.Null(FlowEditing.Locate("rules: [\n", "rules"));
    }
}
