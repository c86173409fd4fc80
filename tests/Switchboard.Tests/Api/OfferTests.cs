using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Switchboard.Tests.Api;

/// <summary>Offers: shotgun to a group (first to accept wins), push with accept/decline, windows on a fake clock, pool escalation.</summary>
public abstract class OfferTests(TestDatabase database) : HostedTests(database)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly Dictionary<string, HttpClient> _reps = [];

    protected override Task<ServiceHost> StartAsync(string db) => ServiceHost.StartAsync(db, _clock, ServiceHost.ManualClock());

    protected override async Task SetUpAsync()
    {
        await Admin.PostOk("/api/teams", new { id = "sdr", name = "SDR" });
        await Admin.PostOk("/api/teams", new { id = "east", name = "East" });
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            await Admin.PostOk("/api/reps", new { id, name = id, teamIds = new[] { "sdr" } });
            _reps[id] = Host.Client(await Admin.NewKey(new { name = id, role = "rep", repId = id }));
        }

        await Admin.PostOk("/api/reps", new { id = "ed", name = "Ed", teamIds = new[] { "east" } });
        _reps["ed"] = Host.Client(await Admin.NewKey(new { name = "ed", role = "rep", repId = "ed" }));
    }

    private async Task<JsonObject> Get(string id) => await (await Admin.GetAsync($"/api/leads/{id}")).Json();

    private static List<string> Offered(JsonObject lead) => lead["offeredRepIds"]?.AsArray().Select(r => r.Str()).ToList() ?? [];

    /// <summary>Moves the fake clock on and ticks the lead clock once: whatever fell due is handled when it returns.</summary>
    private async Task<JsonObject> AdvanceAndGet(TimeSpan by, string leadId)
    {
        _clock.Advance(by);
        await Host.TickAsync();
        return await Get(leadId);
    }

    [Fact]
    public async Task Shotgun_FirstToAcceptOwnsIt_SilenceMovesToTheNextGroup_ThenThePool()
    {
        await Admin.PostOk("/api/pools", new { id = "overflow", name = "Overflow" }); // a flow names only pools that exist
        await Admin.PutFlow("""
            rules:
              - name: hot
                assign: { to: { team: sdr }, strategy: shotgun, options: { size: "2" } }
                offer: 2m
                whenNoneEligible: "pool:overflow"
            fallback: { pool: unassigned }
            """);

        var raced = await Admin.PostOk("/api/leads", new { email = "race@example.com" });
        Assert.Equal("offered", raced["status"].Str());
        var group = raced["decision"]!["offeredRepIds"]!.AsArray().Select(r => r.Str()).ToList();
        Assert.Equal(2, group.Count);
        var outsider = new[] { "a", "b", "c", "d" }.First(r => !group.Contains(r));
        Assert.Equal(HttpStatusCode.OK, (await _reps[group[1]].GetAsync($"/api/leads/{raced["id"].Str()}")).StatusCode); // offered reps see it
        Assert.Equal(HttpStatusCode.NotFound, (await _reps[outsider].GetAsync($"/api/leads/{raced["id"].Str()}")).StatusCode);

        var accepts = await Task.WhenAll(group.Select(r => _reps[r].PostAsync($"/api/leads/{raced["id"].Str()}/accept", null)));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], accepts.Select(a => a.StatusCode).Order());
        var winner = group[Array.FindIndex(accepts, a => a.StatusCode == HttpStatusCode.OK)];
        var won = await Get(raced["id"].Str());
        Assert.Equal(("accepted", winner), (won["status"].Str(), won["ownerRepId"].Str()));
        Assert.Contains(won["timeline"]!.AsArray(), e => e!["type"].Str() == "offer_withdrawn" && e["note"].Str().StartsWith($"{winner} accepted first", StringComparison.Ordinal));

        // Nobody answers: at 2:00 the next two reps get it, never the first two; then nobody is left: the pool.
        var quiet = await Admin.PostOk("/api/leads", new { email = "quiet@example.com" });
        var first = quiet["decision"]!["offeredRepIds"]!.AsArray().Select(r => r.Str()).ToList();
        var id = quiet["id"].Str();
        var before = await AdvanceAndGet(TimeSpan.FromSeconds(119), id);
        Assert.Equal(first, Offered(before));
        var second = await AdvanceAndGet(TimeSpan.FromSeconds(1), id);
        Assert.Equal(2, Offered(second).Count);
        Assert.Empty(Offered(second).Intersect(first));
        Assert.Equal(Start.AddSeconds(240), second["offerExpiresAt"]!.GetValue<DateTimeOffset>());
        var pooled = await AdvanceAndGet(TimeSpan.FromSeconds(120), id);
        Assert.Equal(("pooled", "overflow"), (pooled["status"].Str(), pooled["poolId"].Str()));
        Assert.Equal(["created", "offered", "offer_expired", "offered", "offer_expired", "pooled", "alert"], pooled["timeline"]!.AsArray().Select(e => e!["type"].Str()));

        // Accepting exactly at the deadline loses to the clock: the window is [offer, deadline).
        var late = await Admin.PostOk("/api/leads", new { email = "late@example.com" });
        var lateRep = late["decision"]!["offeredRepIds"]![0].Str();
        _clock.Advance(TimeSpan.FromSeconds(120));
        var tooLate = await _reps[lateRep].PostAsync($"/api/leads/{late["id"].Str()}/accept", null);
        Assert.Equal(HttpStatusCode.Conflict, tooLate.StatusCode);
        var moved = await AdvanceAndGet(TimeSpan.Zero, late["id"].Str());
        Assert.Single(moved["timeline"]!.AsArray(), e => e!["type"].Str() == "offer_expired");
    }

    [Fact]
    public async Task PushWithAccept_DeclineOrSilenceMovesItOnWithoutThem()
    {
        await Admin.PutFlow("""
            rules:
              - name: main
                assign: { to: { team: sdr }, strategy: round-robin }
                offer: 1m
            fallback: { pool: unassigned }
            """);
        var lead = await Admin.PostOk("/api/leads", new { email = "one@example.com" });
        var id = lead["id"].Str();
        Assert.Equal(["a"], lead["decision"]!["offeredRepIds"]!.AsArray().Select(r => r.Str()));

        var noReason = await _reps["a"].PostAsJsonAsync($"/api/leads/{id}/decline", new { });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.NotNull((await noReason.Json())["errors"]!["reason"]);
        Assert.Equal(HttpStatusCode.OK, (await _reps["a"].PostAsJsonAsync($"/api/leads/{id}/decline", new { reason = "on a call all afternoon" })).StatusCode);
        Assert.Equal(["b"], Offered(await Get(id)));

        var third = await AdvanceAndGet(TimeSpan.FromMinutes(1), id);
        Assert.Equal(["c"], Offered(third));
        Assert.Equal(HttpStatusCode.NotFound, (await _reps["d"].PostAsync($"/api/leads/{id}/accept", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _reps["b"].PostAsync($"/api/leads/{id}/accept", null)).StatusCode); // b let it pass
        Assert.Equal(HttpStatusCode.OK, (await _reps["c"].PostAsync($"/api/leads/{id}/accept", null)).StatusCode);

        var done = await Get(id);
        Assert.Equal(("accepted", "c"), (done["status"].Str(), done["ownerRepId"].Str()));
        Assert.Contains(done["timeline"]!.AsArray(), e => e!["type"].Str() == "declined" && e["actor"].Str() == "a" && e["note"].Str() == "on a call all afternoon");
        // Each rep left out says why: the decline with its reason, the offer b let lapse.
        Assert.Contains(done["decision"]!["candidates"]!.AsArray(), c => c!["repId"].Str() == "a" && c["reasons"]![0].Str() == "declined this lead (on a call all afternoon)");
        Assert.Contains(done["decision"]!["candidates"]!.AsArray(), c => c!["repId"].Str() == "b" && c["reasons"]![0].Str() == "let an offer of this lead expire");
    }

    [Fact]
    public async Task PoolEscalation_WidensToAnotherTeamAfterTenMinutes()
    {
        await Admin.PostOk("/api/pools", new
        {
            id = "inbound",
            name = "Inbound",
            memberTeamIds = new[] { "sdr" },
            escalation = new { after = "10m", action = "widen", widenTeamIds = new[] { "east" } },
        });
        await Admin.PutFlow("rules:\n  - name: all\n    assign: { to: { pool: inbound } }\nfallback: { pool: unassigned }\n");
        var lead = await Admin.PostOk("/api/leads", new { email = "slow@example.com" });
        var id = lead["id"].Str();

        Assert.Equal(0, (await (await _reps["ed"].GetAsync("/api/pools/inbound/leads")).Json())["total"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NotFound, (await _reps["ed"].PostAsJsonAsync("/api/pools/inbound/claims", new { leadId = id })).StatusCode);
        var early = await AdvanceAndGet(TimeSpan.FromMinutes(9), id);
        Assert.DoesNotContain(early["timeline"]!.AsArray(), e => e!["type"].Str() == "escalated");

        var escalated = await AdvanceAndGet(TimeSpan.FromMinutes(1), id);
        Assert.Contains(escalated["timeline"]!.AsArray(), e => e!["type"].Str() == "escalated" && e["note"].Str() == "unclaimed in pool 'inbound' for 10m: now also offered to team east");
        Assert.Equal(1, (await (await _reps["ed"].GetAsync("/api/pools/inbound/leads")).Json())["total"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, (await _reps["ed"].PostAsJsonAsync("/api/pools/inbound/claims", new { leadId = id })).StatusCode);
    }
}

public sealed class SqliteOfferTests() : OfferTests(new SqliteDatabase());

public sealed class PostgresOfferTests() : OfferTests(new PostgresDatabase());
