using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Switchboard.Tests.Api;

/// <summary>
/// Finding leads and clearing a backlog: the filters of <c>GET /api/leads</c> (which the app's lead search
/// uses too), a manager's reach over held and pooled leads that wait on their teams, and a lead handed
/// to a rep by hand leaving a decision trace that names who chose.
/// </summary>
public abstract class LeadSearchTests(TestDatabase database) : HostedTests(database)
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Monday);

    protected override Task<ServiceHost> StartAsync(string db) => ServiceHost.StartAsync(db, _clock, ServiceHost.ManualClock());

    private async Task<List<string>> Names(string query) =>
        [.. (await (await Admin.GetAsync("/api/leads?" + query)).Json())["items"]!.AsArray().Select(l => l!["lastName"].Str()).Order()];

    [Fact]
    public async Task FiltersByWords_Source_Dates_AndBreachedSlas()
    {
        await RoundRobinTeamAsync("ada", "bob");
        await Admin.PutFlow("rules:\n  - name: main\n    assign: { to: { team: sdr }, strategy: round-robin }\n    sla: { acceptWithin: 5m }\nfallback: { pool: unassigned }\n");
        await Admin.PostOk("/api/leads", new { firstName = "Grace", lastName = "Hopper", email = "grace@navy.mil", source = "web", company = new { name = "US Navy" } });
        _clock.Advance(TimeSpan.FromDays(1));
        await Admin.PostOk("/api/leads", new { firstName = "Alan", lastName = "Turing", email = "alan@bletchley.uk", source = "ads" });
        _clock.Advance(TimeSpan.FromMinutes(10)); // both accept deadlines have passed; the clock has not ticked yet

        Assert.Equal(["Hopper"], await Names("q=navy"));
        Assert.Equal(["Hopper"], await Names("q=GRACE%20hop"));
        Assert.Equal(["Turing"], await Names("source=ads"));
        Assert.Equal(["Turing"], await Names("from=2026-11-24T00:00:00Z"));
        Assert.Equal(["Hopper"], await Names("to=2026-11-24T00:00:00Z"));
        Assert.Equal(["Hopper", "Turing"], await Names("slaBreached=true"));
        Assert.Empty(await Names("slaBreached=false"));

        await Host.TickAsync(); // the breaches are written (and the leads move on): still breached
        Assert.Equal(["Hopper", "Turing"], await Names("slaBreached=true"));

        var bad = await Admin.GetAsync("/api/leads?q=" + new string('x', 201));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"q\"", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AManagerReachesTheHeldAndPooledLeadsOfTheirTeams_NotOthers()
    {
        await RoundRobinTeamAsync("ada", "bob");
        await Admin.PostOk("/api/teams", new { id = "ae", name = "AE" });
        await Admin.PostOk("/api/reps", new { id = "eve", name = "Eve", teamIds = new[] { "ae" } });
        await Admin.PostOk("/api/pools", new { id = "sdr-pool", name = "SDR pool", memberTeamIds = new[] { "sdr" } });
        await Admin.PostOk("/api/pools", new { id = "ae-pool", name = "AE pool", memberTeamIds = new[] { "ae" } });
        await Admin.PatchOk("/api/reps/ada", new { status = "away" });
        await Admin.PatchOk("/api/reps/eve", new { status = "away" });
        await Admin.PutFlow("""
            rules:
              - name: sdr
                when: source == 'sdr'
                assign: { to: { reps: [ada] }, strategy: round-robin }
                whenNoneEligible: hold
              - name: ae
                when: source == 'ae'
                assign: { to: { team: ae }, strategy: round-robin }
                whenNoneEligible: hold
              - name: sdr-pool
                when: source == 'sdr-pool'
                assign: { to: { pool: sdr-pool } }
            fallback: { pool: ae-pool }
            """);
        var sdrHeld = (await Admin.PostOk("/api/leads", new { lastName = "SdrHeld", email = "sdrheld@example.com", source = "sdr" }))["id"].Str();
        var aeHeld = (await Admin.PostOk("/api/leads", new { lastName = "AeHeld", email = "aeheld@example.com", source = "ae" }))["id"].Str();
        var sdrPooled = (await Admin.PostOk("/api/leads", new { lastName = "SdrPooled", email = "sdrpooled@example.com", source = "sdr-pool" }))["id"].Str();
        var aePooled = (await Admin.PostOk("/api/leads", new { lastName = "AePooled", email = "aepooled@example.com", source = "other" }))["id"].Str();

        using var manager = Host.Client(await Admin.NewKey(new { name = "max", role = "manager", teamIds = new[] { "sdr" } }));
        var seen = (await manager.AllLeads()).Select(l => l["id"].Str()).Order().ToList();
        Assert.Equal(new[] { sdrHeld, sdrPooled }.Order(), seen);
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync($"/api/leads/{sdrHeld}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/api/leads/{aeHeld}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/api/leads/{aePooled}")).StatusCode);

        // Ada (the rule's one rep) is away; the manager hands the lead to Bob: the trace says who chose and what the flow weighed.
        var moved = await manager.PostOk($"/api/leads/{sdrHeld}/reassign", new { repId = "bob", reason = "ada is out today" });
        Assert.Equal("bob", moved["ownerRepId"].Str());
        var lead = await (await Admin.GetAsync($"/api/leads/{sdrHeld}")).Json();
        var decision = lead["decision"]!;
        Assert.Equal(("assigned", "hand-picked", "bob", "max"), (decision["kind"].Str(), decision["strategy"].Str(), decision["repId"].Str(), decision["chosenBy"].Str()));
        Assert.Equal("sdr", decision["rule"].Str());
        Assert.StartsWith("picked by max: bob was not among the candidates of rule 'sdr'; the flow would have held it", decision["explanation"].Str());
        Assert.Contains(decision["candidates"]!.AsArray(), c => c!["repId"].Str() == "ada" && !c["eligible"]!.GetValue<bool>());

        // Another team's held lead is not the manager's to move.
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsync($"/api/leads/{aeHeld}/reassign", JsonContent(new { }))).StatusCode);
    }

    private static StringContent JsonContent(object body) =>
        new(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}

public sealed class SqliteLeadSearchTests() : LeadSearchTests(new SqliteDatabase());

public sealed class PostgresLeadSearchTests() : LeadSearchTests(new PostgresDatabase());
