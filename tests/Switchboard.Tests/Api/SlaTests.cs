using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Switchboard.Tests.Api;

/// <summary>Working a lead on a fake clock: SLA deadlines, breaches and reminders, business hours, rep actions, response times.</summary>
public abstract class SlaTests(TestDatabase database) : HostedTests(database)
{
    /// <summary>Monday 2026-11-23 10:00 UTC (11:00 in Berlin).</summary>
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Monday);
    private readonly Dictionary<string, HttpClient> _reps = [];

    protected override Task<ServiceHost> StartAsync(string db) => ServiceHost.StartAsync(db, _clock, ServiceHost.ManualClock());

    protected override async Task SetUpAsync()
    {
        await Admin.PostOk("/api/teams", new { id = "sdr", name = "SDR" });
        var hours = new { mon = new[] { new[] { "09:00", "17:00" } }, tue = new[] { new[] { "09:00", "17:00" } } };
        foreach (var id in new[] { "a", "b", "c" })
        {
            await Admin.PostOk("/api/reps", new { id, name = id, teamIds = new[] { "sdr" }, timeZone = "Europe/Berlin", workingHours = hours });
            _reps[id] = Host.Client(await Admin.NewKey(new { name = id, role = "rep", repId = id }));
        }

        await Admin.PostOk("/api/reps", new { id = "boss", name = "Boss", teamIds = Array.Empty<string>() });
        await Admin.PatchAsync("/api/teams/sdr", JsonContent.Create(new { managerRepId = "boss" }));
    }

    private Task<int> Flow(string sla) => Admin.PutFlow($"rules:\n  - name: main\n    assign: {{ to: {{ team: sdr }}, strategy: round-robin }}\n    sla: {sla}\nfallback: {{ pool: unassigned }}\n");

    private async Task<JsonObject> Get(string id) => await (await Admin.GetAsync($"/api/leads/{id}")).Json();

    private static List<string> Types(JsonObject lead) => [.. lead["timeline"]!.AsArray().Select(e => e!["type"].Str())];

    /// <summary>Sets the fake clock and ticks the lead clock once at that moment: whatever was due is handled when it returns.</summary>
    private async Task<JsonObject> At(TimeSpan sinceMonday, string leadId)
    {
        _clock.SetUtcNow(Monday + sinceMonday);
        await Host.TickAsync();
        return await Get(leadId);
    }

    [Fact]
    public async Task AcceptWithinFiveMinutes_ReassignsAtFiveNotBefore_RemindsAtFour_NeverToAPreviousHolder()
    {
        await Flow("{ acceptWithin: 5m, firstTouchWithin: 15m, remindBefore: 1m, onBreach: reassign }");
        var lead = await Admin.PostOk("/api/leads", new { email = "slow@example.com" });
        var id = lead["id"].Str();
        Assert.Equal("a", lead["ownerRepId"].Str());
        Assert.Equal(Monday.AddMinutes(5), (await Get(id))["acceptDueAt"]!.GetValue<DateTimeOffset>());

        var reminded = await At(TimeSpan.FromMinutes(4), id);
        Assert.Equal(("a", "accept by 10:05:00"), (reminded["ownerRepId"].Str(), reminded["timeline"]!.AsArray().Last(e => e!["type"].Str() == "reminder")!["note"].Str()));
        var justBefore = await At(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(5), id);
        Assert.Equal("a", justBefore["ownerRepId"].Str());
        Assert.DoesNotContain("sla_breached", Types(justBefore));

        var moved = await At(TimeSpan.FromMinutes(5), id);
        Assert.Equal("b", moved["ownerRepId"].Str());
        Assert.Single(Types(moved), t => t == "sla_breached");
        Assert.Contains(moved["timeline"]!.AsArray(), e => e!["type"].Str() == "reassigned" && e["note"].Str().StartsWith("SLA breached: from a;", StringComparison.Ordinal));
        var breachedAt = moved["timeline"]!.AsArray().Single(e => e!["type"].Str() == "sla_breached")!["at"]!.GetValue<DateTimeOffset>();
        Assert.InRange(breachedAt, Monday.AddMinutes(5), Monday.AddMinutes(5).AddSeconds(1)); // within a second of the deadline
        Assert.Equal(breachedAt.AddMinutes(5), moved["acceptDueAt"]!.GetValue<DateTimeOffset>()); // b's own five minutes

        // b lets it lapse too: c gets it, and a never comes back.
        var third = await At(TimeSpan.FromMinutes(10), id);
        Assert.Equal("c", third["ownerRepId"].Str());
        Assert.Contains(third["decision"]!["candidates"]!.AsArray(), c => c!["repId"].Str() == "a" && !c["eligible"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AcceptAtTheDeadline_RacesTheClock_ExactlyOneWins()
    {
        await Flow("{ acceptWithin: 5m, onBreach: escalate }");
        var early = (await Admin.PostOk("/api/leads", new { email = "early@example.com" }))["id"].Str();
        var late = (await Admin.PostOk("/api/leads", new { email = "late@example.com" }))["id"].Str();
        var earlyOwner = _reps[(await Get(early))["ownerRepId"].Str()];
        var lateOwner = _reps[(await Get(late))["ownerRepId"].Str()];

        _clock.SetUtcNow(Monday.AddMinutes(5) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.OK, (await earlyOwner.PostAsync($"/api/leads/{early}/accept", null)).StatusCode);
        _clock.SetUtcNow(Monday.AddMinutes(5));
        // At the deadline the accept is too late, and the clock's look at the same moment breaches it once.
        // (They are not raced: an escalation leaves the lead with its owner, who may then still accept it.)
        Assert.Equal(HttpStatusCode.Conflict, (await lateOwner.PostAsync($"/api/leads/{late}/accept", null)).StatusCode);
        var lateLead = await At(TimeSpan.FromMinutes(5), late);

        Assert.Single(Types(lateLead), t => t == "sla_breached");
        Assert.Contains(lateLead["timeline"]!.AsArray(), e => e!["type"].Str() == "escalated" && e["note"].Str().EndsWith("escalated to boss", StringComparison.Ordinal));
        var earlyLead = await At(TimeSpan.FromMinutes(6), early);
        Assert.Equal("accepted", earlyLead["status"].Str());
        Assert.DoesNotContain("sla_breached", Types(earlyLead));
    }

    [Fact]
    public async Task TwoInstancesWatchingTheSameDeadlines_EachFiresOnce_AndRepeatedBreachesSetTheRepAway()
    {
        await using var second = await ServiceHost.StartAsync(Host.Db, _clock, ServiceHost.ManualClock());
        await Flow("{ acceptWithin: 5m, onBreach: escalate, awayAfterBreaches: 3, breachWindow: 1h }");
        var ids = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            ids.Add((await (i % 2 == 0 ? Admin : second.Admin).PostOk("/api/leads", new { email = $"twice{i}@example.com" }))["id"].Str());
        }

        _clock.SetUtcNow(Monday.AddMinutes(5));
        await Task.WhenAll(Host.TickAsync(), second.TickAsync(), Host.TickAsync(), second.TickAsync()); // both instances at once, twice each

        var leads = await Task.WhenAll(ids.Select(Get));
        Assert.All(leads, l => Assert.Equal(1, Types(l).Count(t => t == "sla_breached")));
        Assert.All(leads, l => Assert.Equal(1, Types(l).Count(t => t == "escalated")));
        foreach (var rep in new[] { "a", "b", "c" })
        {
            Assert.Equal("away", (await (await Admin.GetAsync($"/api/reps/{rep}")).Json())["status"].Str()); // ten breaches each, three were enough
        }
    }

    [Fact]
    public async Task BusinessHoursSla_PausesOvernightInTheRepsZone()
    {
        await Admin.PostOk("/api/pools", new { id = "missed", name = "Missed", memberTeamIds = new[] { "sdr" } }); // a flow names only pools that exist
        await Flow("{ acceptWithin: 5m, businessHours: true, onBreach: \"pool:missed\" }");
        _clock.SetUtcNow(Monday.AddHours(5).AddMinutes(58)); // 16:58 in Berlin: two working minutes left today
        var id = (await Admin.PostOk("/api/leads", new { email = "evening@example.com" }))["id"].Str();

        var lead = await Get(id);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 8, 3, 0, TimeSpan.Zero), lead["acceptDueAt"]!.GetValue<DateTimeOffset>()); // Tuesday 09:03 Berlin
        var night = await At(new TimeSpan(22, 2, 0), id);
        Assert.Equal("assigned", night["status"].Str());
        var morning = await At(new TimeSpan(22, 3, 0), id);
        Assert.Equal(("pooled", "missed"), (morning["status"].Str(), morning["poolId"].Str()));
    }

    [Fact]
    public async Task TeamDefaultSla_UntouchedLeadRemindsOwnerThenManager_ThenGoesBackToAPool()
    {
        var patched = await Admin.PatchAsync("/api/teams/sdr", JsonContent.Create(new { sla = new { untouchedAfter = "2d", managerAfter = "4d", recycleAfter = "7d", recycleTo = "nurture" } }));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var bad = await Admin.PatchAsync("/api/teams/sdr", JsonContent.Create(new { sla = new { untouchedAfter = "2d", managerAfter = "1d" } }));
        Assert.Equal("untouchedAfter < managerAfter < recycleAfter", (await bad.Json())["errors"]!["sla.untouchedAfter"]![0].Str());
        await Admin.PutFlow("rules:\n  - name: main\n    assign: { to: { team: sdr }, strategy: round-robin }\nfallback: { pool: unassigned }\n");
        var id = (await Admin.PostOk("/api/leads", new { email = "quiet@example.com" }))["id"].Str();

        _clock.SetUtcNow(Monday.AddDays(1));
        Assert.Equal(HttpStatusCode.OK, (await _reps["a"].PostAsJsonAsync($"/api/leads/{id}/activities", new { type = "email" })).StatusCode);
        var early = await At(TimeSpan.FromDays(3) - TimeSpan.FromMinutes(1), id);
        Assert.DoesNotContain("reminder", Types(early)); // the email restarted the clock
        var owner = await At(TimeSpan.FromDays(3), id);
        Assert.Contains(owner["timeline"]!.AsArray(), e => e!["type"].Str() == "reminder" && e["repId"].Str() == "a" && e["note"].Str().StartsWith("no activity for 2d", StringComparison.Ordinal));
        var manager = await At(TimeSpan.FromDays(5), id);
        Assert.Contains(manager["timeline"]!.AsArray(), e => e!["type"].Str() == "reminder" && e["repId"]?.GetValue<string>() == "boss");
        var recycled = await At(TimeSpan.FromDays(8), id);
        Assert.Equal(("pooled", "nurture"), (recycled["status"].Str(), recycled["poolId"].Str()));
        Assert.Null(recycled["ownerRepId"]);
    }

    [Fact]
    public async Task RepActions_OnTheTimeline_AndResponseTimesPerRepAndTeam()
    {
        await Flow("{ firstTouchWithin: 30m }");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await Admin.PostOk("/api/leads", new { email = $"work{i}@example.com" }))["id"].Str());
        }

        var (a, b) = (_reps["a"], _reps["b"]);
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync($"/api/leads/{ids[0]}/accept", null)).StatusCode);
        _clock.Advance(TimeSpan.FromMinutes(8));
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsJsonAsync($"/api/leads/{ids[0]}/activities", new { type = "call", note = "left a voicemail" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.PostAsJsonAsync($"/api/leads/{ids[0]}/activities", new { type = "call" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await a.PostAsJsonAsync($"/api/leads/{ids[0]}/activities", new { type = "fax" })).StatusCode);
        var noValue = await a.PostAsJsonAsync($"/api/leads/{ids[0]}/status", new { status = "won" });
        Assert.Equal("required when won: the deal's value, more than 0", (await noValue.Json())["errors"]!["value"]![0].Str());
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsJsonAsync($"/api/leads/{ids[0]}/status", new { status = "qualified" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsJsonAsync($"/api/leads/{ids[0]}/status", new { status = "won", value = 12000 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsJsonAsync($"/api/leads/{ids[0]}/feedback", new { score = 9, comment = "quick and clear" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.PostAsJsonAsync($"/api/leads/{ids[1]}/status", new { status = "lost", reason = "no budget" })).StatusCode);
        var reassigned = await Admin.PostAsJsonAsync($"/api/leads/{ids[2]}/reassign", new { repId = "a", reason = "c is on leave" });
        Assert.Equal(HttpStatusCode.OK, reassigned.StatusCode);

        var won = await Get(ids[0]);
        Assert.Equal(("won", 12000m, 9), (won["status"].Str(), won["value"]!.GetValue<decimal>(), won["feedbackScore"]!.GetValue<int>()));
        Assert.Equal(["created", "assigned", "accepted", "activity", "status_changed", "status_changed", "feedback"], Types(won));
        Assert.Equal("call: left a voicemail", won["timeline"]![3]!["note"].Str());
        Assert.Equal("qualified → won (value 12000)", won["timeline"]![5]!["note"].Str());
        Assert.Null(won["touchDueAt"]);
        Assert.Equal("no budget", (await Get(ids[1]))["lostReason"].Str());
        var moved = await Get(ids[2]);
        Assert.Equal("a", moved["ownerRepId"].Str());
        Assert.Contains(moved["timeline"]!.AsArray(), e => e!["type"].Str() == "reassigned" && e["note"].Str() == "c is on leave: from c to a");

        var report = await (await Admin.GetAsync($"/api/reports/response-times?from={Uri.EscapeDataString(Monday.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(Monday.AddHours(1).ToString("O"))}&teamId=sdr")).Json();
        var repA = report["reps"]!.AsArray().Single(r => r!["id"].Str() == "a")!;
        Assert.Equal((1, 120.0), (repA["toAccept"]!["count"]!.GetValue<int>(), repA["toAccept"]!["medianSeconds"]!.GetValue<double>()));
        Assert.Equal(600.0, repA["toFirstTouch"]!["medianSeconds"]!.GetValue<double>());
        var repB = report["reps"]!.AsArray().Single(r => r!["id"].Str() == "b")!;
        Assert.Equal((1, 0, 0), (repB["assigned"]!.GetValue<int>(), repB["toAccept"]!["count"]!.GetValue<int>(), repB["toFirstTouch"]!["count"]!.GetValue<int>())); // lost without a touch
        var team = report["teams"]!.AsArray().Single()!;
        Assert.Equal(("sdr", 4), (team["id"].Str(), team["assigned"]!.GetValue<int>())); // three routed, one reassigned c → a
        Assert.Equal(2, report["reps"]!.AsArray().Single(r => r!["id"].Str() == "a")!["assigned"]!.GetValue<int>());
    }

    [Fact]
    public async Task EveryHolderBreaches_TheLeadEndsInTheFallbackPool_WithTheTrueReason_AndTheReportAgrees()
    {
        await Admin.PutFlow("rules:\n  - name: pair\n    assign: { to: { reps: [a, b] }, strategy: round-robin }\n    sla: { acceptWithin: 5m, onBreach: reassign }\nfallback: { pool: unassigned }\n");
        var id = (await Admin.PostOk("/api/leads", new { email = "nobody-answers@example.com" }))["id"].Str();

        var second = await At(TimeSpan.FromMinutes(5), id);
        Assert.Equal("assigned", second["status"].Str());
        var last = await At(TimeSpan.FromMinutes(10), id);

        // Not held for good waiting for reps who are left out: the flow's fallback pool, which exists and admins see.
        Assert.Equal(("pooled", "unassigned"), (last["status"].Str(), last["poolId"].Str()));
        Assert.Equal(2, Types(last).Count(t => t == "sla_breached"));
        var candidates = last["decision"]!["candidates"]!.AsArray();
        Assert.Equal("breached this lead's SLA (not accepted by 10:05:00)", candidates.Single(c => c!["repId"].Str() == "a")!["reasons"]![0].Str());
        Assert.Equal("breached this lead's SLA (not accepted by 10:10:00)", candidates.Single(c => c!["repId"].Str() == "b")!["reasons"]![0].Str());
        Assert.DoesNotContain("offer", last["decision"]!["explanation"].Str(), StringComparison.Ordinal);
        Assert.Contains("fallback sends it to pool 'unassigned'", last["decision"]!["explanation"].Str(), StringComparison.Ordinal);
        var pooled = await (await Admin.GetAsync("/api/pools/unassigned/leads")).Json();
        Assert.Contains(pooled["items"]!.AsArray(), i => i!["leadId"].Str() == id);

        var report = await (await Admin.GetAsync($"/api/reports/response-times?from=2026-11-23&to=2026-11-24")).Json();
        foreach (var rep in new[] { "a", "b" })
        {
            var row = report["reps"]!.AsArray().Single(r => r!["id"].Str() == rep)!;
            Assert.Equal((1, 1), (row["assigned"]!.GetValue<int>(), row["slaBreaches"]!.GetValue<int>()));
        }
    }
}

public sealed class SqliteSlaTests() : SlaTests(new SqliteDatabase());

public sealed class PostgresSlaTests() : SlaTests(new PostgresDatabase());
