using System.Text.RegularExpressions;

namespace Switchboard.Tests;

/// <summary>
/// The HTTP layer sits on top: nothing else in the host refers to it (only the composition root that
/// maps its endpoints), so capture, routing, storage, notifications and the coming app screens call
/// the same services the endpoints do.
/// </summary>
public sealed partial class LayerTests
{
    private static string HostSource()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Switchboard.slnx")))
            {
                return Path.Combine(dir.FullName, "src", "Switchboard");
            }
        }

        throw new InvalidOperationException("Switchboard.slnx not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\s*using\s+Switchboard\.Api\s*;|\bSwitchboard\.Api\.[A-Z]", RegexOptions.Multiline)]
    private static partial Regex RefersToApi();

    [Fact]
    public void NothingOutsideTheHttpLayer_RefersToIt_ButTheCompositionRoot()
    {
        var root = HostSource();
        var offenders = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("Api/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal))
            .Where(f => f != "SwitchboardApp.cs")
            .Where(f => RefersToApi().IsMatch(File.ReadAllText(Path.Combine(root, f))))
            .ToList();
        Assert.True(offenders.Count == 0, "these files refer to Switchboard.Api: " + string.Join(", ", offenders));
        Assert.True(Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories).Count() > 50, "the scan saw the host's source");
    }

    [Fact]
    public void HostNamespaces_DifferFromTheEngines()
    {
        var host = typeof(Distribution.LeadRouting).Assembly.GetTypes().Select(t => t.Namespace ?? "").Distinct().ToList();

        Assert.Contains("Switchboard.Distribution", host);
        Assert.DoesNotContain(host, n => n == "Switchboard.Routing" || n.StartsWith("Switchboard.Routing.", StringComparison.Ordinal) || n.StartsWith("Switchboard.Leads", StringComparison.Ordinal));
    }

    [Fact]
    public void Intake_SharesOnlyTheLeadCoreWithRouting()
    {
        var references = typeof(Intake.IntakeRules).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("Switchboard.Leads", references);
        Assert.DoesNotContain("Switchboard.Routing", references);
    }
}
