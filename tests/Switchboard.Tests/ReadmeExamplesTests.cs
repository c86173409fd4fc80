using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Switchboard.Tests;

/// <summary>
/// The README's shell examples, run in order in one bash session against a fresh service, so that what a
/// new user pastes works: every curl must answer 2xx or 3xx (a 4xx or 5xx stops the script).
/// </summary>
public sealed partial class ReadmeExamplesTests : IAsyncLifetime
{
    private readonly SqliteDatabase _database = new();
    private ServiceHost? _host;

    public async ValueTask InitializeAsync() =>
        // The README's webhook example points at an outside host; this machine has no DNS for it.
        _host = await ServiceHost.StartAsync(await _database.CreateAsync(), settings: new Dictionary<string, string> { ["WEBHOOKS_ALLOW_PRIVATE"] = "true" });

    [GeneratedRegex(@"^```bash\n(?<code>.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex BashBlock();

    public static string Readme() => File.ReadAllText(ReadmePath());

    /// <summary>The repository's README.md, found upwards from the test binaries.</summary>
    public static string ReadmePath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Switchboard.slnx")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir!.FullName, "README.md");
    }

    [Fact]
    public async Task EveryShellExample_RunsAgainstAStartedService()
    {
        var blocks = BashBlock().Matches(Readme()).Select(m => m.Groups["code"].Value).ToList();
        Assert.True(blocks.Count >= 8, $"found {blocks.Count} bash blocks");
        var address = $"{_host!.BaseAddress.Host}:{_host.BaseAddress.Port}";
        var script = "set -euo pipefail\nshopt -s inherit_errexit\ncurl() { local s=0; command curl -sS --fail-with-body \"$@\" || s=$?; echo; return $s; }\n" +
                     string.Join("\n", blocks).Replace("localhost:5080", address, StringComparison.Ordinal);

        var start = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["KEY"] = ServiceHost.AdminKey;
        using var bash = Process.Start(start)!;
        await bash.StandardInput.WriteAsync(script);
        bash.StandardInput.Close();
        var output = bash.StandardOutput.ReadToEndAsync();
        var errors = bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(bash.ExitCode == 0, $"the README's examples stopped (exit {bash.ExitCode}):\n{await errors}\n--- output ---\n{await output}");

        // What the examples did is there for a person to see.
        var leads = (await _host.Admin.AllLeads()).ToDictionary(l => l["email"]?.GetValue<string>() ?? "", l => l);
        var jo = await (await _host.Admin.GetAsync($"/api/leads/{leads["jo@bigco.com"]["id"].Str()}")).Json();
        Assert.Equal("enterprise", jo["decision"]!["rule"].Str());
        Assert.Equal(("won", "ada"), (leads["max@bigco.com"]["status"].Str(), leads["max@bigco.com"]["ownerRepId"].Str()));
        Assert.Contains("lee@acme.io", leads.Keys);
        Assert.Contains("pat@acme.io", leads.Keys);
        Assert.Contains("ana@initech.com", leads.Keys);
        Assert.Contains("\"rejected\":1", await output, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
            _database.Delete(_host.Db);
        }
    }
}
