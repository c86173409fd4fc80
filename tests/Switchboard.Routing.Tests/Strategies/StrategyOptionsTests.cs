using Switchboard.Routing.Strategies;

namespace Switchboard.Routing.Tests.Strategies;

/// <summary>Strategy options are declared once: the keys a strategy accepts, its defaults, its errors and its documentation come from the same lines.</summary>
public class StrategyOptionsTests
{
    private static StrategyOptionError? ErrorOf(string strategy, params (string Key, string Value)[] options) =>
        StrategyCatalog.Create(strategy, options.ToDictionary(o => o.Key, o => o.Value)).Error;

    [Fact]
    public void EveryStrategy_NamesWhatItTakes_WhenGivenAKeyItDoesNot()
    {
        foreach (var name in StrategyCatalog.Names)
        {
            var declared = StrategyCatalog.Options(name).Select(o => o.Key).ToList();
            var error = ErrorOf(name, ("nonsense", "1"));

            Assert.Equal("options.nonsense", error?.Field);
            Assert.EndsWith(declared.Count == 0 ? "it takes no options" : "it takes " + string.Join(", ", declared), error!.Message, StringComparison.Ordinal);
            Assert.All(StrategyCatalog.Options(name), o => Assert.False(string.IsNullOrWhiteSpace(o.Doc), $"{name}.{o.Key} says what it does"));
        }
    }

    [Fact]
    public void Declarations_CarryTypesAndDefaults()
    {
        var top = StrategyCatalog.Options("top-performer").ToDictionary(o => o.Key);

        Assert.Equal(["measure", "window", "minSample", "monthlyCap"], top.Keys);
        Assert.Equal(("one of conversion, close-rate", "conversion"), (top["measure"].Takes, top["measure"].Default));
        Assert.Equal(("a duration", "90d"), (top["window"].Takes, top["window"].Default));
        Assert.Equal("150", top["monthlyCap"].Default);
        Assert.Equal(["size"], StrategyCatalog.Options("shotgun").Select(o => o.Key));
    }

    [Fact]
    public void BadValues_AreErrorValuesNamingTheField()
    {
        Assert.Equal(new StrategyOptionError("options.size", "'0' is not a whole number of 1 or more"), ErrorOf("shotgun", ("size", "0")));
        Assert.Equal(new StrategyOptionError("options.load", "load 'busy' is not one of open, assigned"), ErrorOf("load-balanced", ("load", "busy")));
        Assert.Equal("options.window", ErrorOf("load-balanced", ("window", "2h"))?.Field); // window goes with load: assigned
        Assert.Null(ErrorOf("load-balanced", ("load", "assigned"), ("window", "2h")));
        Assert.Equal("options.tiers", ErrorOf("score-tiers")?.Field);
        Assert.Equal("options.sizeBands", ErrorOf("skills", ("sizeBand", "required"), ("sizeBands", "small<10, big<5"))?.Field);
        Assert.Equal("options.required", ErrorOf("skills")?.Field);
    }
}
