using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Switchboard.Tests.Api;

/// <summary>
/// Every way a lead gets an owner besides the flow — a claim, a reassignment, a pool's escalation to a
/// rep — checks the rep's caps (and, when someone else gives it, their availability), starts the SLA
/// clock of the rep's team and counts the assignment, exactly as a routed lead does.
/// </summary>
public abstract class AssignmentPathTests(TestDatabase database) : HostedTests(database)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);

    protected override Task<ServiceHost> StartAsync(string db) => ServiceHost.StartAsync(db, _clock, ServiceHost.ManualClock());

    protected override async Task SetUpAsync()
    {
        await Admin.PostOk("/api/teams", new { id = "west", name = "West", sla = new { acceptWithin = "10m", firstTouchWithin = "30m" } });
        await Admin.PostOk("/api/reps", new { id = "wes", name = "Wes", teamIds = new[] { "west" }, caps = new { perDay = 1 } });
        await Admin.PostOk("/api/reps", new { id = "wendy", name = "Wendy", teamIds = new[] { "west" } });
        await Admin.PostOk("/api/reps", new { id = "will", name = "Will", teamIds = new[] { "west" }, status = "away" });
    }

    private async Task<JsonObject> Get(string id) => await (await Admin.GetAsync($"/api/leads/{id}")).Json();

    private async Task<int> AssignedToday(string rep) => (await (await Admin.GetAsync($"/api/reps/{rep}")).Json())["load"]!["assignedToday"]!.GetValue<int>();

    private async Task<List<string>> PooledLeadsAsync(int n, string pool)
    {
        await Admin.PutFlow($"rules:\n  - name: all\n    assign: {{ to: {{ pool: {pool} }} }}\nfallback: {{ pool: {pool} }}\n");
        var ids = new List<string>();
        for (var i = 0; i < n; i++)
        {
            ids.Add((await Admin.PostOk("/api/leads", new { email = $"p{i}@example.com" }))["id"].Str());
        }

        return ids;
    }

    [Fact]
    public async Task Claim_StartsTheTeamsTouchClock_CountsIt_AndStopsAtTheRepsCap()
    {
        await Admin.PostOk("/api/pools", new { id = "inbound", name = "Inbound", memberTeamIds = new[] { "west" } });
        var ids = await PooledLeadsAsync(2, "inbound");
        var wes = Host.Client(await Admin.NewKey(new { name = "wes", role = "rep", repId = "wes" }));

        var claimed = await wes.PostAsJsonAsync("/api/pools/inbound/claims", new { leadId = ids[0] });
        Assert.Equal(HttpStatusCode.OK, claimed.StatusCode);
        var lead = await Get(ids[0]);
        Assert.Equal(("wes", "assigned"), (lead["ownerRepId"].Str(), lead["status"].Str()));
        Assert.Null(lead["acceptDueAt"]); // claiming it is accepting it
        Assert.Equal(Start.AddMinutes(30), lead["touchDueAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(1, await AssignedToday("wes"));

        var capped = await wes.PostAsJsonAsync("/api/pools/inbound/claims", new { leadId = ids[1] });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, capped.StatusCode);
        Assert.Contains("wes cannot take the lead now: at daily cap (1/1)", (await capped.Json())["detail"].Str(), StringComparison.Ordinal);
        Assert.Equal("pooled", (await Get(ids[1]))["status"].Str()); // nothing written

        // The claim's SLA clock is a real one: untouched for 30 minutes, the lead is taken from Wes (back through the flow: the pool).
        _clock.Advance(TimeSpan.FromMinutes(30));
        await Host.TickAsync();
        var breached = await Get(ids[0]);
        Assert.Equal(("pooled", null), (breached["status"].Str(), breached["ownerRepId"]?.GetValue<string>()));
        Assert.Contains(breached["timeline"]!.AsArray(), e => e!["type"].Str() == "sla_breached" && e["repId"].Str() == "wes" && e["note"].Str() == "not touched by 10:30:00 (wes)");
    }

    [Fact]
    public async Task Reassign_ToARepWhoIsAwayOrAtCap_IsRefused_ToAnAvailableOne_StartsTheAcceptClock()
    {
        await Admin.PutFlow("rules:\n  - name: all\n    assign: { to: { rep: wes }, strategy: round-robin }\nfallback: { pool: unassigned }\n");
        var id = (await Admin.PostOk("/api/leads", new { email = "moved@example.com" }))["id"].Str();
        var other = (await Admin.PostOk("/api/leads", new { email = "held@example.com" }))["id"].Str();
        Assert.Equal("wes", (await Get(id))["ownerRepId"].Str());

        var away = await Admin.PostAsJsonAsync($"/api/leads/{id}/reassign", new { repId = "will", reason = "cover" });
        Assert.Equal(HttpStatusCode.Conflict, away.StatusCode);
        Assert.Contains("will cannot take the lead now: away", (await away.Json())["detail"].Str(), StringComparison.Ordinal);
        var missing = await Admin.PostAsJsonAsync($"/api/leads/{id}/reassign", new { repId = "nobody" });
        Assert.Equal("rep 'nobody' does not exist", (await missing.Json())["errors"]!["repId"]![0].Str());
        Assert.Equal("wes", (await Get(id))["ownerRepId"].Str()); // refused: nothing changed

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await Admin.PostAsJsonAsync($"/api/leads/{id}/reassign", new { repId = "wendy", reason = "cover" })).StatusCode);
        var moved = await Get(id);
        Assert.Equal("wendy", moved["ownerRepId"].Str());
        Assert.Equal(Start.AddMinutes(11), moved["acceptDueAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(1, await AssignedToday("wendy"));

        // Wes is at his cap of one (the held lead never reached him), so giving him one more is refused.
        Assert.Equal("held", (await Get(other))["status"].Str());
        var capped = await Admin.PostAsJsonAsync($"/api/leads/{id}/reassign", new { repId = "wes" });
        Assert.Contains("at daily cap (1/1)", (await capped.Json())["detail"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PoolEscalationToARepAtCap_LeavesTheLeadInThePool_SayingWhy_Once()
    {
        await Admin.PostOk("/api/pools", new { id = "inbound", name = "Inbound", memberTeamIds = new[] { "west" }, escalation = new { after = "10m", action = "move", to = new { rep = "wes" } } });
        var ids = await PooledLeadsAsync(2, "inbound");

        _clock.Advance(TimeSpan.FromMinutes(10));
        await Host.TickAsync();
        await Host.TickAsync();

        var leads = new[] { await Get(ids[0]), await Get(ids[1]) };
        Assert.Equal(("assigned", "wes"), (leads[0]["status"].Str(), leads[0]["ownerRepId"].Str()));
        Assert.Equal(Start.AddMinutes(20), leads[0]["acceptDueAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(("pooled", "inbound"), (leads[1]["status"].Str(), leads[1]["poolId"].Str()));
        var escalated = Assert.Single(leads[1]["timeline"]!.AsArray(), e => e!["type"].Str() == "escalated")!;
        Assert.Equal("unclaimed in pool 'inbound' for 10m; not moved to wes: wes cannot take the lead now: at daily cap (1/1)", escalated["note"].Str());
        Assert.Equal(1, await AssignedToday("wes"));
    }
}

public sealed class SqliteAssignmentPathTests() : AssignmentPathTests(new SqliteDatabase());

public sealed class PostgresAssignmentPathTests() : AssignmentPathTests(new PostgresDatabase());
