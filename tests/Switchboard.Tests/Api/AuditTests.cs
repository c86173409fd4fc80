using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Tests.Api;

/// <summary>Every configuration change is in the audit log: who, what, before and after, never a secret.</summary>
public abstract class AuditTests(TestDatabase database) : HostedTests(database)
{
    protected override Task<ServiceHost> StartAsync(string db) =>
        ServiceHost.StartAsync(db, settings: new Dictionary<string, string> { ["WEBHOOKS_ALLOW_PRIVATE"] = "true" });

    private async Task<List<JsonNode>> AuditAsync(string query = "")
    {
        var page = await (await Admin.GetAsync("/api/audit?pageSize=200" + query)).Json();
        return [.. page["items"]!.AsArray().Select(i => i!)];
    }

    [Fact]
    public async Task ChangesByAdminAndManager_AreLoggedWithWhoBeforeAndAfter_SecretsNever()
    {
        await Admin.PostOk("/api/teams", new { id = "sdr", name = "SDR" });
        (await Admin.PatchAsJsonAsync("/api/teams/sdr", new { name = "Sales development" })).EnsureSuccessStatusCode();
        await Admin.PostOk("/api/reps", new { id = "ada", name = "Ada", teamIds = new[] { "sdr" } });
        var manager = Host.Client(await Admin.NewKey(new { name = "mona (manager)", role = "manager", teamIds = new[] { "sdr" } }));
        (await manager.PatchAsJsonAsync("/api/reps/ada", new { status = "away" })).EnsureSuccessStatusCode();
        var hook = await Admin.PostOk("/api/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "*" } });
        var hookId = hook["webhook"]!["id"].Str();
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/api/webhooks/{hookId}")).StatusCode);
        await Admin.PutFlow("rules:\n  - name: main\n    assign: { to: { team: sdr }, strategy: round-robin }\nfallback: { pool: unassigned }\n");

        for (var i = 0; i < 3; i++)
        {
            await Admin.PostOk("/api/leads", new { email = $"lead{i}@example.com" }); // routing moves reps' load: not configuration
        }

        var log = await AuditAsync();
        Assert.Equal(2, log.Count(e => e["entity"].Str() == "rep")); // made, then set away
        var admin = "admin (SWITCHBOARD_ADMIN_KEY)";
        var renamed = log.Single(e => e["entity"].Str() == "team" && e["action"].Str() == "changed");
        Assert.Equal((admin, "sdr", "SDR", "Sales development"), (renamed["actor"].Str(), renamed["entityId"].Str(), renamed["before"]!["name"].Str(), renamed["after"]!["name"].Str()));
        var away = log.Single(e => e["entity"].Str() == "rep" && e["action"].Str() == "changed");
        Assert.Equal(("mona (manager)", "available", "away"), (away["actor"].Str(), away["before"]!["status"].Str(), away["after"]!["status"].Str()));
        Assert.Null(away["after"]!["name"]); // only what changed
        Assert.Contains(log, e => e["entity"].Str() == "key" && e["action"].Str() == "created" && e["after"]!["name"].Str() == "mona (manager)");
        var deleted = log.Single(e => e["entity"].Str() == "webhook" && e["action"].Str() == "deleted");
        Assert.Equal("http://127.0.0.1:9/hook", deleted["before"]!["url"].Str());
        Assert.Contains(log, e => e["entity"].Str() == "flow" && e["action"].Str() == "created");

        var all = string.Join("\n", log.Select(e => e.ToJsonString()));
        Assert.DoesNotContain("keyHash", all, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(hook["secret"].Str(), all, StringComparison.Ordinal);
        Assert.DoesNotContain("\"secret\"", all, StringComparison.Ordinal);

        Assert.Single(await AuditAsync("&entity=rep&entityId=ada&actor=" + Uri.EscapeDataString("mona (manager)")));
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/api/audit")).StatusCode);
    }

    [Fact]
    public async Task SavingTheSameAgain_LogsNothing()
    {
        await Admin.PostOk("/api/teams", new { id = "sdr", name = "SDR" });
        (await Admin.PatchAsJsonAsync("/api/teams/sdr", new { name = "SDR" })).EnsureSuccessStatusCode();

        Assert.Single(await AuditAsync("&entity=team"));
    }
}

public sealed class SqliteAuditTests() : AuditTests(new SqliteDatabase());

public sealed class PostgresAuditTests() : AuditTests(new PostgresDatabase());
