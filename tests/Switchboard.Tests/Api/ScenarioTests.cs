using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Work;

namespace Switchboard.Tests.Api;

/// <summary>
/// The routing scenarios a sales-ops team checks before trusting the engine, as black-box HTTP tests on a
/// fake clock: exact weighted shares, a rep away for a day under each fairness mode, held leads picked up
/// when working hours begin, team caps, holidays, territories and sticky account owners.
/// </summary>
public abstract class ScenarioTests(TestDatabase database) : HostedTests(database)
{
    /// <summary>Monday 2026-11-23 07:00 UTC: 08:00 in Berlin, 02:00 in New York.</summary>
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 7, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Monday);
    protected override Task<ServiceHost> StartAsync(string db) =>
        ServiceHost.StartAsync(db, _clock, new Dictionary<string, string> { ["HELD_RETRY_SECONDS"] = "30" });

    private async Task Team(string id, object? extra = null)
    {
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extra ?? new { }, Http.Web))!.AsObject();
        body["id"] = id;
        body["name"] = id.ToUpperInvariant();
        await Admin.PostOk("/api/teams", body);
    }

    private async Task Rep(string id, object? extra = null, string team = "sdr")
    {
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extra ?? new { }, Http.Web))!.AsObject();
        body["id"] = id;
        body["name"] = $"Rep {id}";
        body["teamIds"] ??= new JsonArray(team);
        await Admin.PostOk("/api/reps", body);
    }

    /// <summary>A new lead with its own email (a lead needs a way to reach the person) and the given fields.</summary>
    private async Task<JsonObject> Lead(object? body = null)
    {
        var fields = body is null ? new JsonObject() : System.Text.Json.JsonSerializer.SerializeToNode(body)!.AsObject();
        fields["email"] ??= $"{Guid.NewGuid():N}@example.com";
        return await Admin.PostOk("/api/leads", fields);
    }

    private async Task<JsonObject> Get(string path) => await (await Admin.GetAsync(path)).Json();

    private static string Rule(string strategy, string extra = "") =>
        $"rules:\n  - name: main\n    assign: {{ to: {{ team: sdr }}, strategy: {strategy} }}\n{extra}fallback: {{ pool: unassigned }}\n";

    [Fact]
    public async Task Weighted121_400LeadsOneByOne_ExactlyOneToTwoToOneWithinOneAtEveryPrefix()
    {
        await Team("sdr");
        await Rep("a", new { weight = 1 });
        await Rep("b", new { weight = 2 });
        await Rep("c", new { weight = 1 });
        await Admin.PutFlow(Rule("weighted-round-robin"));

        var owners = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            owners.Add((await Lead())["ownerRepId"].Str());
        }

        Assert.Equal((100, 200, 100), (owners.Count(o => o == "a"), owners.Count(o => o == "b"), owners.Count(o => o == "c")));
        for (var n = 1; n <= owners.Count; n++)
        {
            Assert.InRange(owners.Take(n).Count(o => o == "a") - (n / 4.0), -1, 1);
            Assert.InRange(owners.Take(n).Count(o => o == "b") - (n / 2.0), -1, 1);
        }
    }

    [Theory]
    [InlineData("keep-place", "abcabc", -4.0)] // b resumes their place; the 4 missed leads stay visible as a deficit
    [InlineData("catch-up", "bbbcab", -2.0)] // 3 extra turns (catchUpMax), then back in the rotation
    [InlineData("reset", "acbcab", 0.0)] // a clean balance and a turn at the back after the others
    public async Task RepAwayForADay_EachFairnessMode(string fairness, string afterReturn, double balanceAfter)
    {
        await Team("sdr");
        foreach (var id in new[] { "a", "b", "c" })
        {
            await Rep(id);
        }

        var extra = $"    fairness: {fairness}\n" + (fairness == "catch-up" ? "    catchUpMax: 3\n" : "");
        await Admin.PutFlow(Rule("round-robin", extra));
        async Task<string> Owners(int n)
        {
            var owners = "";
            for (var i = 0; i < n; i++)
            {
                owners += (await Lead())["ownerRepId"].Str();
                _clock.Advance(TimeSpan.FromMinutes(110));
            }

            return owners;
        }

        var before = await Owners(3);
        var back = _clock.GetUtcNow().AddDays(1);
        await Admin.PatchAsJsonAsync("/api/reps/b", new { status = "away", awayUntil = back });
        var during = await Owners(12);
        var whileAway = (await Get("/api/reps/b"))["fairness"]![0]!;
        _clock.SetUtcNow(back.AddMinutes(1));
        var after = await Owners(6);

        Assert.Equal("abc", before);
        Assert.Equal("acacacacacac", during);
        Assert.Equal(-4.0, whileAway["balance"]!.GetValue<double>(), 2);
        Assert.True(whileAway["absent"]!.GetValue<bool>());
        Assert.Equal(afterReturn, after);
        var rep = await Get("/api/reps/b");
        Assert.Equal("main", rep["fairness"]![0]!["rule"].Str());
        Assert.Equal(balanceAfter, rep["fairness"]![0]!["balance"]!.GetValue<double>(), 2);
        var state = (await (await Admin.GetAsync("/api/routing/state")).Content.ReadFromJsonAsync<JsonArray>())!.Single(s => s!["rule"].Str() == "main")!;
        // Leads given equal shares owed, so balances sum to zero; reset forgives b's deficit of 4 on purpose.
        Assert.Equal(fairness == "reset" ? 4.0 : 0.0, state["balances"]!.AsObject().Sum(b => b.Value!.GetValue<double>()), 2);
    }

    [Fact]
    public async Task EveryoneOutsideWorkingHours_HeldWithReason_ThenAssignedInArrivalOrderWhenTheFirstHoursBegin()
    {
        var nineToFive = new Dictionary<string, string[][]> { ["mon"] = [["09:00", "17:00"]] };
        await Team("sdr");
        await Rep("a", new { weight = 2, timeZone = "Europe/Berlin", workingHours = nineToFive });
        await Rep("b", new { weight = 1, timeZone = "Europe/Berlin", workingHours = nineToFive });
        await Rep("ny", new { weight = 1, timeZone = "America/New_York", workingHours = nineToFive });
        await Admin.PutFlow(Rule("weighted-round-robin"));

        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var held = await Lead();
            Assert.Equal("held", held["status"].Str());
            // Reps with the same reason are named together (a and b share Berlin time).
            Assert.Contains("a, b: outside working hours (now Mon 08:0", held["decision"]!["held"]!["reason"].Str(), StringComparison.Ordinal);
            ids.Add(held["id"].Str());
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        // Just before 09:00 in Berlin a retry (the timer's pass, run here at that moment) still finds nobody.
        var retrier = Host.Services.GetRequiredService<HeldLeadRetrier>();
        _clock.SetUtcNow(new DateTimeOffset(2026, 11, 23, 7, 59, 59, TimeSpan.Zero));
        Assert.Equal(0, await retrier.RetryAllAsync(CancellationToken.None));
        Assert.Equal("held", (await Get($"/api/leads/{ids[0]}"))["status"].Str());

        // From 09:00 the timer's pass routes them, oldest first, with no request from outside.
        _clock.SetUtcNow(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        await retrier.RetryAllAsync(CancellationToken.None);
        var leads = await Task.WhenAll(ids.Select(id => Get($"/api/leads/{id}")));
        Assert.All(leads, l => Assert.Equal("assigned", l["status"].Str()));
        List<string> owners = [.. leads.Select(l => l["ownerRepId"].Str())];
        Assert.Equal(["a", "b", "a", "a"], owners); // smooth 2:1 in arrival order (reverse order would give a, a, b, a)
        var first = await Get($"/api/leads/{ids[0]}");
        Assert.Equal(["created", "held", "alert", "assigned"], first["timeline"]!.AsArray().Select(e => e!["type"].Str()));
        Assert.StartsWith("after being held since 2026-11-23 07:00:00Z", first["timeline"]![3]!["note"].Str(), StringComparison.Ordinal);
        Assert.Contains(first["decision"]!["candidates"]!.AsArray(), c => c!["repId"].Str() == "ny" && c["reasons"]![0].Str().StartsWith("outside working hours", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TeamCapAndRegionalHoliday_SkipWithTheirReasons()
    {
        await Team("sdr", new { caps = new { perDay = 2 } });
        await Admin.PutAsJsonAsync("/api/holidays/DE-BY", new { name = "Bavaria", dates = new[] { "2026-11-23", "2026-12-25" } });
        await Rep("bavarian", new { holidayRegion = "DE-BY", timeZone = "Europe/Berlin" });
        await Rep("hamburger", new { timeZone = "Europe/Berlin" });
        await Admin.PutFlow(Rule("round-robin"));

        var leads = new[] { await Lead(), await Lead(), await Lead() };

        Assert.Equal(["hamburger", "hamburger", null], leads.Select(l => l["ownerRepId"]?.GetValue<string>()));
        Assert.Contains("bavarian: on holiday (2026-11-23, Bavaria, DE-BY)", leads[0]["decision"]!["explanation"].Str() + leads[2]["decision"]!["held"]!["reason"].Str(), StringComparison.Ordinal);
        Assert.Contains("team 'sdr' at daily cap (2/2)", leads[2]["decision"]!["held"]!["reason"].Str(), StringComparison.Ordinal);
        var bad = await Admin.PatchAsJsonAsync("/api/teams/sdr", new { holidays = new[] { "23.11.2026" }, caps = new { maxOpen = 3 } });
        var problem = await bad.Json();
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.NotNull(problem["errors"]!["holidays[0]"]);
        Assert.NotNull(problem["errors"]!["caps.maxOpen"]);
    }

    [Fact]
    public async Task Territories_LeadsGoToTheOwnerOfTheMostSpecificTerritory()
    {
        await Team("sdr");
        await Rep("us-rep", new { territories = new[] { "us" } });
        await Rep("bay-1", new { territories = new[] { "bay-area" } });
        await Rep("bay-2", new { territories = new[] { "bay-area" } });
        await Admin.PutFlow("""
            territories:
              us: { countries: [US] }
              bay-area: { countries: [US], postalCodes: ["940*", "941*"] }
            rules:
              - name: main
                assign: { to: { team: sdr }, strategy: territory }
                whenNoneEligible: next-rule
            fallback: { pool: unassigned }
            """);

        var sf = new[] { await Lead(new { country = "US", postalCode = "94107" }), await Lead(new { country = "US", postalCode = "94110" }) };
        var ny = await Lead(new { country = "US", postalCode = "10001" });
        var fr = await Lead(new { country = "FR" });

        Assert.Equal(["bay-1", "bay-2"], sf.Select(l => l["ownerRepId"].Str()));
        Assert.Equal("us-rep", ny["ownerRepId"].Str());
        Assert.Equal(("pooled", "unassigned"), (fr["status"].Str(), fr["poolId"].Str()));
    }

    [Fact]
    public async Task AccountOwner_ALaterLeadFromTheSameCompanyGoesToTheSameRep()
    {
        await Team("sdr");
        await Rep("a");
        await Rep("b");
        await Admin.PutFlow("""
            rules:
              - name: sticky
                assign: { to: { team: sdr }, strategy: account-owner }
              - name: rotation
                assign: { to: { team: sdr }, strategy: round-robin }
            fallback: { pool: unassigned }
            """);

        var first = await Lead(new { email = "ceo@acme.io" });
        var other = await Lead(new { email = "someone@globex.io" });
        var second = await Lead(new { email = "cto@acme.io" });
        var gmail = await Lead(new { email = "x@gmail.com" });
        var gmail2 = await Lead(new { email = "y@gmail.com" });

        Assert.Equal(("a", "b"), (first["ownerRepId"].Str(), other["ownerRepId"].Str()));
        Assert.Equal(("sticky", "a"), (second["decision"]!["rule"].Str(), second["ownerRepId"].Str()));
        Assert.Contains("company domain acme.io", second["decision"]!["explanation"].Str(), StringComparison.Ordinal);
        Assert.Equal("rotation", gmail2["decision"]!["rule"].Str()); // free-mail domains say nothing about the company
        Assert.NotEqual(gmail["ownerRepId"].Str(), gmail2["ownerRepId"].Str());
    }

    [Fact]
    public async Task LoadOverATrailingWindowAndTopPerformer_CountHistoryFromTheDatabase()
    {
        await Team("sdr");
        await Rep("a");
        await Rep("b");
        await Admin.PutFlow("""
            rules:
              - name: vip
                when: score >= 90
                assign: { to: { team: sdr }, strategy: top-performer, options: { window: 30d, minSample: 1, monthlyCap: 4 } }
              - name: main
                assign: { to: { team: sdr }, strategy: load-balanced, options: { load: assigned, window: 1h } }
            fallback: { pool: unassigned }
            """);

        // a gets 3 leads now; an hour and a minute later they fall out of the window, so a is as fresh as b.
        var early = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            early.Add((await Lead())["ownerRepId"].Str());
        }

        _clock.Advance(TimeSpan.FromMinutes(61));
        var later = await Lead();
        var vip = new List<JsonObject>();
        for (var i = 0; i < 4; i++)
        {
            vip.Add(await Lead(new { score = 95 }));
        }

        Assert.Equal(2, early.Count(o => o == "a"));
        Assert.Contains("the fewest leads assigned in the last 1h (0)", later["decision"]!["explanation"].Str(), StringComparison.Ordinal);
        Assert.Contains("top-performer: ", vip[0]["decision"]!["explanation"].Str(), StringComparison.Ordinal);
        // The monthly cap (4) counts every lead a rep got this month: 5 before + 3 VIP fill both reps.
        Assert.Equal(["assigned", "assigned", "assigned", "held"], vip.Select(v => v["status"].Str()));
        Assert.Contains("at the top-performer monthly cap (4/4)", vip[3]["decision"]!["held"]!["reason"].Str(), StringComparison.Ordinal);
    }
}

public sealed class SqliteScenarioTests() : ScenarioTests(new SqliteDatabase());

public sealed class PostgresScenarioTests() : ScenarioTests(new PostgresDatabase());
