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
    public void Engine_ReferencesOnlyTheBaseClassLibrary()
    {
        var references = typeof(Router).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.All(references, name => Assert.True(name == "netstandard" || name.StartsWith("System", StringComparison.Ordinal), $"the engine references {name}"));
    }
}
