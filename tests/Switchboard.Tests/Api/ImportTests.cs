using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Switchboard.Tests.Api;

/// <summary>CSV imports through the API and the CLI: good rows in, every bad row rejected with its line, re-runs merge.</summary>
public abstract class ImportTests(TestDatabase database) : HostedTests(database)
{
    private const string Csv = """
        Email Address,first_name,Company,employees,Country,Notes
        ada@engines.io,ada,Analytical Engines,250,United Kingdom,met at fair
        grace@navy.mil,Grace,US Navy,lots,USA,
        not-an-email,Bob,Bobco,5,DE,
        linus@kernel.org,Linus,,,"Finland","likes ""quotes"", really"
        ADA@ENGINES.IO,Ada,Analytical Engines,,,second copy
        margaret@nasa.gov,Margaret,NASA,18000,US,
        """;

    protected override async Task SetUpAsync()
    {
        await RoundRobinTeamAsync("a");
    }

    private async Task<System.Text.Json.Nodes.JsonObject> Import(string csv, string map = "Email Address:email")
    {
        var response = await Admin.PostAsync($"/api/imports?map={Uri.EscapeDataString(map)}", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Json();
    }

    [Fact]
    public async Task ApiImport_GoodRowsInBadRowsRejectedWithLineAndReason_RerunCreatesNoDuplicates()
    {
        var first = await Import(Csv);
        var again = await Import(Csv);

        Assert.Equal((3, 1, 2), (first["imported"]!.GetValue<int>(), first["duplicates"]!.GetValue<int>(), first["rejected"]!.GetValue<int>()));
        Assert.Equal(
            ["3: employees: 'lots' is not a whole number", "4: email: not an email address (expected name@domain)"],
            first["rejects"]!.AsArray().Select(r => $"{r!["line"]}: {r["reason"].Str()}"));
        Assert.Equal((0, 4, 2), (again["imported"]!.GetValue<int>(), again["duplicates"]!.GetValue<int>(), again["rejected"]!.GetValue<int>()));

        var leads = await Admin.AllLeads();
        Assert.Equal(3, leads.Count);
        var ada = leads.Single(l => l["email"].Str() == "ada@engines.io");
        Assert.Equal(("GB", "Ada", "import", "met at fair"), (ada["country"].Str(), ada["firstName"].Str(), ada["channel"].Str(), ada["attributes"]!["Notes"].Str()));
        Assert.Equal("likes \"quotes\", really", leads.Single(l => l["email"].Str() == "linus@kernel.org")["attributes"]!["Notes"].Str());
        Assert.All(leads, l => Assert.Equal("assigned", l["status"].Str()));
    }

    [Fact]
    public async Task ApiImport_BadMapping_400NamingTheColumn()
    {
        var response = await Admin.PostAsync("/api/imports?map=" + Uri.EscapeDataString("Email Address:e-mail-ish"), new StringContent(Csv, Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Json())["errors"]!["map.Email Address"]);
    }

    [Fact]
    public async Task ImportAcrossBatches_SharesCapsAndDuplicatesWithinABatchHoldAsForSingleLeads()
    {
        // Rep a (weight 1) exists; b weighs 2, c weighs 1 with at most 30 a day. 402 rows: more than two
        // batches, the last two repeating people from earlier in the same batch.
        await Admin.PostOk("/api/reps", new { id = "b", name = "B", teamIds = new[] { "sdr" }, weight = 2 });
        await Admin.PostOk("/api/reps", new { id = "c", name = "C", teamIds = new[] { "sdr" }, caps = new { perDay = 30 } });
        await Admin.PutFlow("rules:\n  - name: main\n    assign: { to: { team: sdr }, strategy: weighted-round-robin }\nfallback: { pool: unassigned }\n");
        var rows = Enumerable.Range(0, 400).Select(i => $"p{i}@example.org").Concat(["P390@EXAMPLE.ORG", "p395@example.org"]);

        var result = await Import("email\n" + string.Join("\n", rows), "");

        Assert.Equal((400, 2), (result["imported"]!.GetValue<int>(), result["duplicates"]!.GetValue<int>()));
        var owners = (await Admin.AllLeads()).GroupBy(l => l["ownerRepId"].Str()).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(30, owners["c"]); // c fills up in the middle of the first batch: load is carried from lead to lead
        // 1:2:1 until c is full at 120 leads, then 1:2 between a and b: 30 + 93 and 60 + 187, within one.
        Assert.InRange(owners["a"], 122, 124);
        Assert.InRange(owners["b"], 246, 248);
        Assert.Equal(400, owners.Values.Sum());
    }

    [Fact]
    public async Task EightClientsAndAnImportSendingTheSamePeopleAtOnce_OneLeadEach()
    {
        var people = Enumerable.Range(0, 20).Select(i => $"person{i}@same.example").ToList();
        var csv = "email,first_name\n" + string.Join("\n", people.Select(p => $"{p.ToUpperInvariant()},P"));
        var clients = Enumerable.Range(0, 8).Select(async c =>
        {
            using var client = Host.Client(ServiceHost.AdminKey);
            foreach (var p in people.Skip(c % 4))
            {
                var response = await client.PostAsJsonAsync("/api/leads", new { email = p });
                Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK);
            }
        });

        await Task.WhenAll([.. clients, Import(csv, "")]);

        var leads = await Admin.AllLeads();
        Assert.Equal(people.Order(), leads.Select(l => l["email"].Str()).Order());
    }

    [Fact]
    public async Task Cli_ImportsWithARejectFile_SecondRunMergesEverything()
    {
        var folder = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "leads.csv");
        await File.WriteAllTextAsync(file, Csv);
        var mapping = Path.Combine(folder, "map.yaml");
        await File.WriteAllTextAsync(mapping, "Email Address: email\nNotes: attributes.notes\n");

        var (code, output) = await Cli(["import", file, "--mapping", mapping, "--db", Host.Db]);
        var (code2, output2) = await Cli(["import", file, "--mapping", mapping, "--db", Host.Db]);

        Assert.True(code == 0, output);
        Assert.Contains("3 imported, 1 merged into existing leads, 2 rejected", output, StringComparison.Ordinal);
        Assert.Equal(
            ["line,reason", "3,\"employees: 'lots' is not a whole number\"", "4,\"email: not an email address (expected name@domain)\""],
            await File.ReadAllLinesAsync(Path.Combine(folder, "leads.rejects.csv")));
        Assert.Equal(0, code2);
        Assert.Contains("0 imported, 4 merged into existing leads, 2 rejected", output2, StringComparison.Ordinal);
        Assert.Equal("met at fair", (await Admin.AllLeads()).Single(l => l["email"].Str() == "ada@engines.io")["attributes"]!["notes"].Str());
    }

    private static async Task<(int Code, string Output)> Cli(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "switchboard.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["SWITCHBOARD_ADMIN_KEY"] = ServiceHost.AdminKey;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}

public sealed class SqliteImportTests() : ImportTests(new SqliteDatabase());

public sealed class PostgresImportTests() : ImportTests(new PostgresDatabase());
