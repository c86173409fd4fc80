using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Switchboard.Tests.Api;

/// <summary>
/// The service through real HTTP on a real database. The same suite runs on SQLite and on PostgreSQL
/// (see the subclasses at the bottom).
/// </summary>
public abstract class ServiceTests(TestDatabase database) : HostedTests(database)
{
    private async Task TeamWithReps(string team, params (string Id, int Weight)[] reps)
    {
        await Admin.PostOk("/api/teams", new { id = team, name = team.ToUpperInvariant() });
        foreach (var (id, weight) in reps)
        {
            await Admin.PostOk("/api/reps", new { id, name = $"Rep {id}", email = $"{id}@example.com", teamIds = new[] { team }, weight });
        }
    }

    private static string OneRuleFlow(string team, string strategy) =>
        $"rules:\n  - name: main\n    assign: {{ to: {{ team: {team} }}, strategy: {strategy} }}\nfallback: {{ pool: unassigned }}\n";

    /// <summary>Posts <paramref name="perClient"/> leads from each of <paramref name="clients"/> concurrent clients.</summary>
    private async Task<ConcurrentBag<JsonObject>> PostConcurrently(int clients, int perClient, Func<int, int, object>? body = null)
    {
        var created = new ConcurrentBag<JsonObject>();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            using var client = Host.Client(ServiceHost.AdminKey);
            for (var i = 0; i < perClient; i++)
            {
                var response = await client.PostAsJsonAsync("/api/leads", body?.Invoke(c, i) ?? new { email = $"lead-{c}-{i}@example.com", source = "test" });
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                created.Add(await response.Json());
            }
        }));
        return created;
    }

    private async Task<List<string>> OwnersInArrivalOrder()
    {
        var leads = await Admin.AllLeads();
        // Leads that arrive together are routed in one group within microseconds, finer than stored
        // timestamps (0.1 ms on SQLite) tell apart; their ids keep the order.
        return [.. leads.OrderBy(l => DateTimeOffset.Parse(l["createdAt"].Str(), System.Globalization.CultureInfo.InvariantCulture))
            .ThenBy(l => l["id"].Str(), StringComparer.Ordinal).Select(l => l["ownerRepId"].Str())];
    }

    [Fact]
    public async Task Healthz_And_OpenApi_AreServed()
    {
        using var anonymous = new HttpClient { BaseAddress = Host.BaseAddress };

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        var openApi = await (await anonymous.GetAsync("/openapi/v1.json")).Json();
        Assert.NotNull(openApi["paths"]!["/api/leads"]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/leads")).StatusCode);
    }

    [Fact]
    public async Task PostLeads_32ConcurrentClientsWeighted121_SplitWithinOneAtEveryPrefix()
    {
        await TeamWithReps("sdr", ("a", 1), ("b", 2), ("c", 1));
        await Admin.PutFlow(OneRuleFlow("sdr", "weighted-round-robin"));

        var created = await PostConcurrently(clients: 32, perClient: 4);

        Assert.Equal(128, created.Select(c => c["id"].Str()).Distinct().Count());
        var owners = await OwnersInArrivalOrder();
        Assert.Equal(128, owners.Count);
        var counts = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0, ["c"] = 0 };
        var weights = new Dictionary<string, double> { ["a"] = 0.25, ["b"] = 0.5, ["c"] = 0.25 };
        for (var k = 0; k < owners.Count; k++)
        {
            counts[owners[k]]++;
            foreach (var rep in counts.Keys)
            {
                Assert.True(Math.Abs(counts[rep] - ((k + 1) * weights[rep])) <= 1, $"after {k + 1} leads {rep} has {counts[rep]}");
            }
        }

        Assert.Equal([32, 64, 32], [counts["a"], counts["b"], counts["c"]]);
    }

    [Fact]
    public async Task PostLeads_32ConcurrentClientsRoundRobin_NoSkippedOrDoubledTurn()
    {
        await TeamWithReps("sdr", ("a", 1), ("b", 1), ("c", 1));
        await Admin.PutFlow(OneRuleFlow("sdr", "round-robin"));

        await PostConcurrently(clients: 32, perClient: 3);

        var owners = await OwnersInArrivalOrder();
        Assert.Equal(96, owners.Count);
        for (var k = 0; k < owners.Count; k++)
        {
            Assert.Equal(new[] { "a", "b", "c" }[k % 3], owners[k]);
        }
    }

    [Fact]
    public async Task PostLead_ConcurrentDuplicatesWithOneIdempotencyKey_ExactlyOneLead()
    {
        await TeamWithReps("sdr", ("a", 1), ("b", 1));
        await Admin.PutFlow(OneRuleFlow("sdr", "round-robin"));
        const string body = """{"email":"once@example.com","firstName":"Once"}""";

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            using var client = Host.Client(ServiceHost.AdminKey);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/leads") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", "form-submit-42");
            var response = await client.SendAsync(request);
            return (response.StatusCode, Text: await response.Content.ReadAsStringAsync());
        }));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(responses.Select(r => r.Text).Distinct());
        Assert.Single(await Admin.AllLeads());

        using var different = new HttpRequestMessage(HttpMethod.Post, "/api/leads") { Content = new StringContent("""{"email":"other@example.com"}""", Encoding.UTF8, "application/json") };
        different.Headers.Add("Idempotency-Key", "form-submit-42");
        var conflict = await Admin.SendAsync(different);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType!.MediaType);
        Assert.Single(await Admin.AllLeads());
    }

    [Fact]
    public async Task Restart_EveryLeadThatGot201IsStillThere()
    {
        await TeamWithReps("sdr", ("a", 1), ("b", 1));
        await Admin.PutFlow(OneRuleFlow("sdr", "round-robin"));
        var created = await PostConcurrently(clients: 8, perClient: 5);

        Host = await Host.RestartAsync();

        foreach (var lead in created)
        {
            var stored = await (await Admin.GetAsync($"/api/leads/{lead["id"].Str()}")).Json();
            Assert.Equal(lead["ownerRepId"].Str(), stored["ownerRepId"].Str());
        }

        // Strategy state survived too: the rotation continues where it stopped.
        var next = await Admin.PostOk("/api/leads", new { email = "after-restart@example.com" });
        Assert.Equal(created.Count(l => l["ownerRepId"].Str() == "a") > created.Count(l => l["ownerRepId"].Str() == "b") ? "b" : "a", next["ownerRepId"].Str());
    }

    [Fact]
    public async Task RepKey_CannotReadOrListAnotherRepsLeads()
    {
        await TeamWithReps("sdr", ("a", 1), ("b", 1));
        await Admin.PutFlow(OneRuleFlow("sdr", "round-robin"));
        var first = await Admin.PostOk("/api/leads", new { email = "one@example.com" });
        var second = await Admin.PostOk("/api/leads", new { email = "two@example.com" });
        Assert.Equal("a", first["ownerRepId"].Str());
        using var repA = Host.Client(await Admin.NewKey(new { role = "rep", repId = "a", name = "rep a" }));

        Assert.Equal(HttpStatusCode.OK, (await repA.GetAsync($"/api/leads/{first["id"].Str()}")).StatusCode);
        var other = await repA.GetAsync($"/api/leads/{second["id"].Str()}");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal([first["id"].Str()], (await repA.AllLeads()).Select(l => l["id"].Str()));
        Assert.Empty((await (await repA.GetAsync("/api/leads?ownerRepId=b")).Json())["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await repA.PostAsJsonAsync("/api/leads", new { email = "x@example.com" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await repA.GetAsync("/api/reps/b")).StatusCode);
    }

    [Fact]
    public async Task TwoServiceInstancesOnOneDatabase_ConcurrentPosts_RotationStaysExact()
    {
        await TeamWithReps("sdr", ("a", 1), ("b", 1), ("c", 1));
        await Admin.PutFlow(OneRuleFlow("sdr", "round-robin"));
        await using var second = await ServiceHost.StartAsync(Host.Db);

        await Task.WhenAll(Enumerable.Range(0, 32).Select(async c =>
        {
            using var client = (c % 2 == 0 ? Host : second).Client(ServiceHost.AdminKey);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/leads", new { email = $"two-{c}-{i}@example.com" })).StatusCode);
            }
        }));

        var owners = await OwnersInArrivalOrder();
        Assert.Equal(96, owners.Count);
        Assert.Equal([32, 32, 32], owners.GroupBy(o => o).OrderBy(g => g.Key).Select(g => g.Count()));
        for (var k = 0; k < owners.Count; k++)
        {
            Assert.Equal(new[] { "a", "b", "c" }[k % 3], owners[k]);
        }
    }

    [Fact]
    public async Task ManagerKey_SeesOnlyLeadsOfTheirTeamsReps()
    {
        await TeamWithReps("east", ("e1", 1));
        await TeamWithReps("west", ("w1", 1));
        await Admin.PutFlow("rules:\n  - name: east\n    when: region == 'east'\n    assign: { to: { team: east }, strategy: round-robin }\n  - name: west\n    assign: { to: { team: west }, strategy: round-robin }\nfallback: { pool: unassigned }\n");
        var eastLead = await Admin.PostOk("/api/leads", new { email = "e@example.com", region = "east" });
        var westLead = await Admin.PostOk("/api/leads", new { email = "w@example.com", region = "west" });
        using var manager = Host.Client(await Admin.NewKey(new { role = "manager", teamIds = new[] { "east" }, name = "east manager" }));

        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync($"/api/leads/{eastLead["id"].Str()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/api/leads/{westLead["id"].Str()}")).StatusCode);
        Assert.Equal([eastLead["id"].Str()], (await manager.AllLeads()).Select(l => l["id"].Str()));
        Assert.Equal(HttpStatusCode.OK, (await manager.PatchAsJsonAsync("/api/reps/e1", new { status = "away" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PatchAsJsonAsync("/api/reps/w1", new { status = "away" })).StatusCode);
    }

    [Fact]
    public async Task MissingOrUnknownKey_Is401ProblemJson()
    {
        using var anonymous = new HttpClient { BaseAddress = Host.BaseAddress };
        using var wrong = Host.Client("sb_not-a-key");

        var none = await anonymous.GetAsync("/api/leads");
        var bad = await wrong.GetAsync("/api/leads");

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task IntegrationKey_CreatesLeadsAndReadsOnlyItsOwn()
    {
        var byAdmin = await Admin.PostOk("/api/leads", new { email = "admin@example.com" });
        using var integration = Host.Client(await Admin.NewKey(new { role = "integration", name = "web forms" }));

        var own = await integration.PostOk("/api/leads", new { email = "form@example.com", source = "web" });

        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync($"/api/leads/{own["id"].Str()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await integration.GetAsync($"/api/leads/{byAdmin["id"].Str()}")).StatusCode);
        Assert.Single(await integration.AllLeads());
        Assert.Equal(HttpStatusCode.Forbidden, (await integration.PutAsync("/api/routing/flow", new StringContent("rules: []", Encoding.UTF8, "application/yaml"))).StatusCode);
    }

    [Fact]
    public async Task PostLead_BadFields_ProblemJsonNamesEachFieldAndStoresNothing()
    {
        var response = await Admin.PostAsync("/api/leads", new StringContent(
            """{"email":"not-an-email","score":150,"attributes":{"nested":{"a":1}}}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = (await response.Json())["errors"]!.AsObject();
        Assert.Contains("email", errors.Select(e => e.Key));
        Assert.Contains("score", errors.Select(e => e.Key));
        Assert.Contains("attributes.nested", errors.Select(e => e.Key));

        var wrongType = await (await Admin.PostAsync("/api/leads", new StringContent("""{"company":{"employees":"many"}}""", Encoding.UTF8, "application/json"))).Json();
        Assert.Equal("wrong type: expected a whole number", wrongType["errors"]!["company.employees"]![0].Str());
        var unknown = await (await Admin.PostAsync("/api/leads", new StringContent("""{"emial":"x@y.z"}""", Encoding.UTF8, "application/json"))).Json();
        Assert.NotNull(unknown["errors"]!["emial"]);
        Assert.Empty(await Admin.AllLeads());
    }

    [Fact]
    public async Task PutFlow_BadCondition_400NamesRuleAndPosition()
    {
        await TeamWithReps("sdr", ("a", 1));
        var response = await Admin.PutAsync("/api/routing/flow", new StringContent(
            "rules:\n  - name: enterprise\n    when: company.employees >= 1000 and country in 'US'\n    assign: { to: { team: sdr }, strategy: round-robin }\n  - name: ghosts\n    assign: { to: { team: nobody }, strategy: round-robin }\nfallback: { pool: unassigned }\n",
            Encoding.UTF8, "application/yaml"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Json())["errors"]!.AsObject();
        Assert.Equal("rule 'enterprise': at position 42: expected '[' to start a list, e.g. ['US', 'CA']", errors["rules[0].when"]![0].Str());
        Assert.Contains("team 'nobody' does not exist", errors["rules[1].assign.to.team"]![0].Str(), StringComparison.Ordinal);

        var typo = await (await Admin.PutAsync("/api/routing/flow", new StringContent("rules: []\nfallbak: { pool: x }\n", Encoding.UTF8, "application/yaml"))).Json();
        Assert.Contains("unknown key 'fallbak'", typo["errors"]!["document"]![0].Str(), StringComparison.Ordinal);
        Assert.Equal(0, (await (await Admin.GetAsync("/api/routing/flow")).Json())["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task PostLead_AllRepsAway_HeldWithReasonAndExplainedOnTheLead()
    {
        await TeamWithReps("sdr", ("a", 1), ("b", 1));
        await Admin.PatchAsJsonAsync("/api/reps/a", new { status = "away", awayUntil = "2099-01-01T09:00:00Z" });
        await Admin.PatchAsJsonAsync("/api/reps/b", new { status = "offline" });
        await Admin.PutFlow(OneRuleFlow("sdr", "round-robin"));

        var created = await Admin.PostOk("/api/leads", new { email = "held@example.com" });

        Assert.Equal("held", created["status"].Str());
        Assert.Null(created["ownerRepId"]);
        var lead = await (await Admin.GetAsync($"/api/leads/{created["id"].Str()}")).Json();
        var reason = lead["decision"]!["held"]!["reason"].Str();
        Assert.Contains("a: away until 2099-01-01 09:00Z", reason, StringComparison.Ordinal);
        Assert.Contains("b: offline", reason, StringComparison.Ordinal);
        Assert.Equal(2, lead["decision"]!["candidates"]!.AsArray().Count);
        Assert.Equal(["created", "held", "alert"], lead["timeline"]!.AsArray().Select(e => e!["type"].Str()));
    }

    [Fact]
    public async Task PostLeads_RepAtDailyCap_GetsExactlyCapRestGoToOthers()
    {
        await TeamWithReps("sdr", ("b", 1));
        await Admin.PostOk("/api/reps", new { id = "a", name = "Rep a", teamIds = new[] { "sdr" }, caps = new { perDay = 5 } });
        await Admin.PutFlow(OneRuleFlow("sdr", "round-robin"));

        await PostConcurrently(clients: 4, perClient: 5);

        var owners = await OwnersInArrivalOrder();
        Assert.Equal(5, owners.Count(o => o == "a"));
        Assert.Equal(15, owners.Count(o => o == "b"));
        var rep = await (await Admin.GetAsync("/api/reps/a")).Json();
        Assert.Equal(5, rep["load"]!["assignedToday"]!.GetValue<int>());
        Assert.Equal(5, rep["load"]!["openLeads"]!.GetValue<int>());
    }

    [Fact]
    public async Task DailyCap_CountsTheRepsOwnDay_NewDayInTokyoOpensTheCapAgain()
    {
        // 14:58 UTC is 23:58 in Tokyo; two minutes later a new day begins there.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 14, 58, 0, TimeSpan.Zero));
        var db = await Database.CreateAsync();
        await using var host = await ServiceHost.StartAsync(db, clock);
        await host.Admin.PostOk("/api/teams", new { id = "apac", name = "APAC" });
        await host.Admin.PostOk("/api/reps", new { id = "kenji", name = "Kenji", teamIds = new[] { "apac" }, timeZone = "Asia/Tokyo", caps = new { perDay = 1 } });
        await host.Admin.PutFlow(OneRuleFlow("apac", "round-robin"));

        var first = await host.Admin.PostOk("/api/leads", new { email = "one@example.jp" });
        var second = await host.Admin.PostOk("/api/leads", new { email = "two@example.jp" });
        clock.Advance(TimeSpan.FromMinutes(2));

        // The new Tokyo day opens the cap; the held lead is retried first (the timer fired with the clock).
        var retried = await host.Admin.PostOk("/api/routing/held/retry", new { });
        var secondNow = await (await host.Admin.GetAsync($"/api/leads/{second["id"].Str()}")).Json();
        var third = await host.Admin.PostOk("/api/leads", new { email = "three@example.jp" });

        Assert.Equal("kenji", first["ownerRepId"].Str());
        Assert.Equal("held", second["status"].Str());
        Assert.Contains("kenji: at daily cap (1/1)", second["decision"]!["held"]!["reason"].Str(), StringComparison.Ordinal);
        Assert.Equal("kenji", secondNow["ownerRepId"].Str());
        Assert.InRange(retried["routed"]!.GetValue<int>(), 0, 1); // 0 when the timer got there first
        Assert.Equal("held", third["status"].Str());
        await host.DisposeAsync();
        Database.Delete(db);
    }

    [Fact]
    public async Task WorkingHours_RepOutsideHoursIsSkippedWithReason_InsideHoursGetsLeads()
    {
        // Monday 2026-11-23 07:59 in Berlin (06:59 UTC); Ada works 08:00-12:00 and 13:00-17:00 there.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 6, 59, 0, TimeSpan.Zero));
        var db = await Database.CreateAsync();
        await using var host = await ServiceHost.StartAsync(db, clock);
        await host.Admin.PostOk("/api/teams", new { id = "dach", name = "DACH" });
        await host.Admin.PostOk("/api/reps", new
        {
            id = "ada",
            name = "Ada",
            teamIds = new[] { "dach" },
            timeZone = "Europe/Berlin",
            workingHours = new Dictionary<string, string[][]> { ["mon"] = [["08:00", "12:00"], ["13:00", "17:00"]] },
        });
        await host.Admin.PutFlow(OneRuleFlow("dach", "round-robin"));

        var early = await host.Admin.PostOk("/api/leads", new { email = "early@example.de" });
        clock.Advance(TimeSpan.FromMinutes(1));
        var onTime = await host.Admin.PostOk("/api/leads", new { email = "ontime@example.de" });

        Assert.Equal("held", early["status"].Str());
        Assert.Contains("ada: outside working hours (now Mon 07:59 Europe/Berlin; hours that day: 08:00-12:00, 13:00-17:00)", early["decision"]!["held"]!["reason"].Str(), StringComparison.Ordinal);
        Assert.Equal("ada", onTime["ownerRepId"].Str());
        await host.DisposeAsync();
        Database.Delete(db);
    }

    [Fact]
    public async Task WorkingHours_ANightShiftRunsPastMidnight()
    {
        // Sunday 2026-11-22 21:59 in New York; Nina works Sunday 22:00 to Monday 06:00 there.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 2, 59, 0, TimeSpan.Zero));
        var db = await Database.CreateAsync();
        await using var host = await ServiceHost.StartAsync(db, clock);
        await host.Admin.PostOk("/api/teams", new { id = "night", name = "Night desk" });
        await host.Admin.PostOk("/api/reps", new
        {
            id = "nina",
            name = "Nina",
            teamIds = new[] { "night" },
            timeZone = "America/New_York",
            workingHours = new Dictionary<string, string[][]> { ["sun"] = [["22:00", "06:00"]] },
        });
        await host.Admin.PutFlow(OneRuleFlow("night", "round-robin"));

        async Task<string> At(TimeSpan sinceStart)
        {
            clock.SetUtcNow(new DateTimeOffset(2026, 11, 23, 2, 59, 0, TimeSpan.Zero) + sinceStart);
            return (await host.Admin.PostOk("/api/routing/dry-run", new { email = "night@example.com" }))["decision"]!["kind"].Str();
        }

        Assert.Equal("held", await At(TimeSpan.Zero)); // Sun 21:59
        Assert.Equal("assigned", await At(TimeSpan.FromMinutes(1))); // Sun 22:00
        Assert.Equal("assigned", await At(TimeSpan.FromHours(5))); // Mon 02:59, past midnight
        Assert.Equal("assigned", await At(TimeSpan.FromHours(8))); // Mon 05:59
        Assert.Equal("held", await At(TimeSpan.FromHours(8) + TimeSpan.FromMinutes(1))); // Mon 06:00
        var same = await host.Admin.PatchAsync("/api/reps/nina", JsonContent.Create(new { workingHours = new Dictionary<string, string[][]> { ["mon"] = [["09:00", "09:00"]] } }));
        Assert.Equal(HttpStatusCode.BadRequest, same.StatusCode);
        await host.DisposeAsync();
        Database.Delete(db);
    }

    [Fact]
    public async Task DryRun_ExplainsDecisionAndWritesNothing()
    {
        await TeamWithReps("enterprise", ("e1", 1), ("e2", 3));
        await Admin.PostOk("/api/teams", new { id = "sdr", name = "SDR" });
        await Admin.PostOk("/api/reps", new { id = "s1", name = "S1", teamIds = new[] { "sdr" } });
        await Admin.PutFlow("rules:\n  - name: enterprise\n    when: company.employees >= 1000\n    assign: { to: { team: enterprise }, strategy: weighted-round-robin }\n  - name: everyone-else\n    assign: { to: { team: sdr }, strategy: load-balanced }\nfallback: { pool: unassigned }\n");

        var result = await Admin.PostOk("/api/routing/dry-run", new { lead = new { email = "big@corp.com", company = new { employees = 5000 } } });

        var decision = result["decision"]!;
        Assert.Equal("enterprise", decision["rule"].Str());
        Assert.Equal("e2", decision["repId"].Str());
        Assert.Equal(1, decision["flowVersion"]!.GetValue<int>());
        Assert.Empty(await Admin.AllLeads());
        var again = await Admin.PostOk("/api/routing/dry-run", new { lead = new { email = "big@corp.com", company = new { employees = 5000 } } });
        Assert.Equal("e2", again["decision"]!["repId"].Str());
    }
}

public sealed class SqliteServiceTests() : ServiceTests(new SqliteDatabase());

public sealed class PostgresServiceTests() : ServiceTests(new PostgresDatabase());
