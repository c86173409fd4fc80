using Switchboard.Routing.Strategies;

namespace Switchboard.Routing.Tests;

/// <summary>Guards what review forgets.</summary>
public class ConventionTests
{
    [Fact]
    public void EveryStrategyClass_IsInTheCatalog()
    {
        var implementations = typeof(IRoutingStrategy).Assembly.GetTypes()
            .Where(t => typeof(IRoutingStrategy).IsAssignableFrom(t) && !t.IsInterface && !t.IsAbstract)
            .ToList();

        Assert.NotEmpty(implementations);
        foreach (var type in implementations)
        {
            var name = (string)type.GetField("StrategyName")!.GetValue(null)!;
            Assert.Contains(name, StrategyCatalog.Names);
            Assert.True(type.IsSealed, $"{type.Name} should be sealed");
        }
    }

    [Fact]
    public void Engine_ReferencesOnlyTheBaseClassLibrary_AndTheLeadCore()
    {
        var references = typeof(Router).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("Switchboard.Leads", references);
        Assert.All(references, name => Assert.True(IsBcl(name) || name == "Switchboard.Leads", $"the engine references {name}"));
        Assert.All(typeof(Leads.Lead).Assembly.GetReferencedAssemblies(), a => Assert.True(IsBcl(a.Name!), $"the lead core references {a.Name}"));
    }

    private static bool IsBcl(string name) => name == "netstandard" || name.StartsWith("System", StringComparison.Ordinal);
}
