using Switchboard.Routing.Lifecycle;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Distribution;
using Switchboard.Storage;

namespace Switchboard.Tests.Api;

/// <summary>
/// Routing reads reps, teams, calendars, state and counters from memory between changes: never stale
/// (a change on any instance is seen by the very next lead), read once while nothing changes, and the
/// open-lead counts it keeps equal to the leads themselves however a lead moves.
/// </summary>
public abstract class RoutingSnapshotTests(TestDatabase database) : HostedTests(database)
{
    protected override Task SetUpAsync() => RoundRobinTeamAsync("a", "b", "c");

    private static async Task<string> PostLeadAsync(HttpClient client, string email)
    {
        var response = await client.PostAsJsonAsync("/api/leads", new { email });
        var body = await response.Json();
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return body["ownerRepId"]?.GetValue<string>() ?? "(none)";
    }

    [Fact]
    public async Task RepSetAwayOnAnotherInstance_IsSkippedByTheVeryNextLead_AndTheRotationStaysExactAcrossInstances()
    {
        await using var second = await ServiceHost.StartAsync(Host.Db);
        var owners = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            owners.Add(await PostLeadAsync(Admin, $"warm{i}@example.com"));
        }

        Assert.Equal(["a", "b", "c"], owners);

        // b goes away through the other instance; this instance's next leads never reach b.
        (await second.Admin.PatchAsJsonAsync("/api/reps/b", new { status = "away" })).EnsureSuccessStatusCode();
        var whileAway = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            whileAway.Add(await PostLeadAsync(i % 2 == 0 ? Admin : second.Admin, $"away{i}@example.com"));
        }

        Assert.DoesNotContain("b", whileAway);
        Assert.Equal(3, whileAway.Count(o => o == "a"));
        Assert.Equal(3, whileAway.Count(o => o == "c"));

        // Back again through the other instance: from the next lead on, b has every third turn again (time
        // away is not owed), exactly as one instance alone would have rotated.
        (await second.Admin.PatchAsJsonAsync("/api/reps/b", new { status = "available" })).EnsureSuccessStatusCode();
        var after = new List<string>();
        for (var i = 0; i < 9; i++)
        {
            after.Add(await PostLeadAsync(i % 2 == 0 ? second.Admin : Admin, $"back{i}@example.com"));
        }

        Assert.Equal(3, after.Count(o => o == "b"));
        var counts = (await Admin.AllLeads()).GroupBy(l => l["ownerRepId"].Str()).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["a"] = 7, ["b"] = 4, ["c"] = 7 }, counts);
    }

    [Fact]
    public async Task QuietService_ReadsTheRoutingStateOnce_AndAgainOnlyAfterAChange()
    {
        var snapshots = Host.Services.GetRequiredService<RoutingSnapshots>();
        await PostLeadAsync(Admin, "first@example.com");
        var loads = snapshots.Loads;
        for (var i = 0; i < 30; i++)
        {
            await PostLeadAsync(Admin, $"quiet{i}@example.com");
        }

        Assert.Equal(loads, snapshots.Loads);

        (await Admin.PatchAsJsonAsync("/api/reps/c", new { weight = 2 })).EnsureSuccessStatusCode();
        await PostLeadAsync(Admin, "changed@example.com");
        Assert.Equal(loads + 1, snapshots.Loads);
        await PostLeadAsync(Admin, "again@example.com");
        Assert.Equal(loads + 1, snapshots.Loads);
    }

    [Fact]
    public async Task OpenLeadCounts_EqualTheLeadsThemselves_AfterAssignClaimAcceptCloseAndReassign()
    {
        await Admin.PostOk("/api/pools", new { id = "overflow", name = "Overflow", mode = "cherry-pick", memberTeamIds = new[] { "sdr" } });
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add((await Admin.PostOk("/api/leads", new { email = $"open{i}@example.com" }))["id"].Str());
        }

        var repA = Host.Client(await Admin.NewKey(new { name = "a", role = "rep", repId = "a" }));
        var leads = await Admin.AllLeads();
        string OwnerOf(string id) => leads.Single(l => l["id"].Str() == id)["ownerRepId"].Str();
        var ofA = ids.Where(id => OwnerOf(id) == "a").ToList();

        (await repA.PostAsync($"/api/leads/{ofA[0]}/accept", null)).EnsureSuccessStatusCode();
        (await repA.PostAsJsonAsync($"/api/leads/{ofA[0]}/status", new { status = "won", value = 1200 })).EnsureSuccessStatusCode();
        (await repA.PostAsJsonAsync($"/api/leads/{ofA[1]}/status", new { status = "lost", reason = "no budget" })).EnsureSuccessStatusCode();
        (await Admin.PostAsJsonAsync($"/api/leads/{ofA[2]}/reassign", new { repId = "b", reason = "vacation" })).EnsureSuccessStatusCode();
        (await Admin.PostAsJsonAsync($"/api/leads/{ofA[3]}/reassign", new { reason = "rebalance" })).EnsureSuccessStatusCode();

        // Two leads go to the pool through a new flow; a rep claims one.
        await Admin.PutFlow("rules:\n  - name: all\n    assign: { to: { pool: overflow } }\nfallback: { pool: unassigned }\n");
        var pooled = (await Admin.PostOk("/api/leads", new { email = "pooled1@example.com" }))["id"].Str();
        await Admin.PostOk("/api/leads", new { email = "pooled2@example.com" });
        var claim = await repA.PostAsJsonAsync("/api/pools/overflow/claims", new { leadId = pooled });
        Assert.Equal(HttpStatusCode.OK, claim.StatusCode);

        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var counted = await db.Leads.Where(l => l.OwnerRepId != null && LeadStatuses.Open.Contains(l.Status))
            .GroupBy(l => l.OwnerRepId!).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        var kept = await db.Reps.ToDictionaryAsync(r => r.Id, r => r.OpenLeads);
        Assert.Equal(["a", "b", "c"], kept.Keys.Order());
        Assert.All(kept, k => Assert.Equal(counted.GetValueOrDefault(k.Key), k.Value));
        Assert.Equal(12 - 2 + 1, counted.Values.Sum()); // 12 routed, won and lost closed, one claimed

        // And what the API shows as each rep's load is the same count.
        foreach (var (rep, n) in kept)
        {
            var view = await (await Admin.GetAsync($"/api/reps/{rep}")).Json();
            Assert.Equal(n, view["load"]!["openLeads"]!.GetValue<int>());
        }
    }
}

public sealed class SqliteRoutingSnapshotTests() : RoutingSnapshotTests(new SqliteDatabase());

public sealed class PostgresRoutingSnapshotTests() : RoutingSnapshotTests(new PostgresDatabase());
