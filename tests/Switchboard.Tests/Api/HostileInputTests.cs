using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Storage;

namespace Switchboard.Tests.Api;

/// <summary>
/// The reproductions of a probe as an outside attacker (issue 12): every one used to crash the process or
/// answer 500. Each now answers a 4xx problem naming the field and the reason, the service stays up,
/// and what was accepted before stays.
/// </summary>
public abstract class HostileInputTests(TestDatabase database) : HostedTests(database)
{
    protected override Task<ServiceHost> StartAsync(string db) =>
        ServiceHost.StartAsync(db, settings: new Dictionary<string, string> { ["MAX_IMPORT_BYTES"] = "3000000" });

    protected override Task SetUpAsync() => RoundRobinTeamAsync("a", "b");

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    private static StringContent JsonText(string text) => new(text, Encoding.UTF8, "application/json");

    private async Task StillServesAsync()
    {
        var lead = await Admin.PostOk("/api/leads", new { email = $"alive{Guid.NewGuid():N}@example.com" });
        Assert.Equal("assigned", lead["status"].Str());
    }

    private async Task<string> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text[..Math.Min(text.Length, 2000)]}\n{string.Join("\n", Host.Logs.TakeLast(3))}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonNode.Parse(text)!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"no error for '{field}': {text[..Math.Min(text.Length, 2000)]}");
        return string.Join("; ", errors[field]!.AsArray().Select(e => e.Str()));
    }

    [Fact]
    public async Task FlowWithDeeplyNestedOrHugeCondition_400NamingTheRule_ServiceStaysUp()
    {
        var nested = new string('(', 20_000) + "country == 'US'" + new string(')', 20_000);
        var deep = await Admin.PutAsync("/api/routing/flow", Yaml($"rules:\n  - name: deep\n    when: \"{nested}\"\n    assign: {{ to: {{ team: sdr }} }}\n"));
        Assert.Contains("rule 'deep': at position 33: conditions nest at most 32 deep", await ProblemAsync(deep, HttpStatusCode.BadRequest, "rules[0].when"), StringComparison.Ordinal);

        var manyTests = string.Join(" or ", Enumerable.Repeat("country == 'US'", 2_000));
        var wide = await Admin.PutAsync("/api/routing/flow", Yaml($"rules:\n  - name: wide\n    when: \"{manyTests}\"\n    assign: {{ to: {{ team: sdr }} }}\n"));
        Assert.Contains("at most 1,000 tests", await ProblemAsync(wide, HttpStatusCode.BadRequest, "rules[0].when"), StringComparison.Ordinal);

        // 2.9 million 'or' terms (26 MB): refused by size before anything is parsed.
        var huge = new StringBuilder("rules:\n  - name: huge\n    when: \"");
        huge.AppendJoin(" or ", Enumerable.Repeat("a == 1", 2_900_000)).Append("\"\n    assign: { to: { team: sdr } }\n");
        // Expect: 100-continue, as curl sends for large bodies: refused before the body is sent.
        var put = new HttpRequestMessage(HttpMethod.Put, "/api/routing/flow") { Content = Yaml(huge.ToString()) };
        put.Headers.ExpectContinue = true;
        var tooLarge = await Admin.SendAsync(put);
        Assert.Contains("larger than this endpoint takes", await ProblemAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge, "body"), StringComparison.Ordinal);

        await StillServesAsync();
    }

    [Fact]
    public async Task StoredFlowThatNoLongerCompiles_LeadsAreStillTaken_RoutedByTheLastGoodVersion()
    {
        // As a version saved before today's limits would be: 40 levels of parentheses.
        await using (var scope = Host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
            await using var tx = await db.Database.BeginTransactionAsync();
            var nested = new string('(', 40) + "country == 'US'" + new string(')', 40);
            db.FlowVersions.Add(new FlowVersionRow
            {
                Version = 2, Format = "yaml", CreatedAt = DateTimeOffset.UtcNow,
                Document = $"rules:\n  - name: deep\n    when: \"{nested}\"\n    assign: {{ to: {{ team: sdr }}, strategy: round-robin }}\nfallback: {{ pool: unassigned }}\n",
            });
            await db.SaveChangesAsync();
            await db.RoutingChangedAsync(CancellationToken.None); // as PUT /api/routing/flow does
            await tx.CommitAsync();
        }

        var lead = await Admin.PostOk("/api/leads", new { email = "after-limits@example.com" });

        Assert.Equal(("assigned", 1), (lead["status"].Str(), lead["decision"]!["flowVersion"]!.GetValue<int>()));
        Assert.Contains(Host.Logs, l => l.StartsWith("Error: Stored flow version 2 no longer compiles; routing by version 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task YamlAliasBomb_400WithAShortAnswer()
    {
        var bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 1; i < 9; i++)
        {
            bomb.Append(CultureInfo.InvariantCulture, $"{(char)('a' + i)}: &{(char)('a' + i)} [").AppendJoin(",", Enumerable.Repeat($"*{(char)('a' + i - 1)}", 9)).Append("]\n");
        }

        bomb.Append("rules: *i\n");
        var response = await Admin.PutAsync("/api/routing/flow", Yaml(bomb.ToString()));

        Assert.Contains("more than 100,000 values", await ProblemAsync(response, HttpStatusCode.BadRequest, "document"), StringComparison.Ordinal);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length < 4_000);
        await StillServesAsync();
    }

    [Theory]
    [InlineData("""{"email": "a@example.com", "email": "b@example.com"}""", "email", "given twice")]
    [InlineData("""{"email": "c@example.com", "firstName": "Ad\ud800a"}""", "firstName", "lone UTF-16 surrogate")]
    [InlineData("""{"email": "d@example.com", "lastName": "x\uFFFEy"}""", "lastName", "U+FFFE")]
    [InlineData("""{"email": "e@example.com", "company": {"name": "Nul\u0000Co"}}""", "company.name", "U+0000")]
    [InlineData("""{"email": "f@example.com", "attributes": {"note": "bell\u0007"}}""", "attributes.note", "U+0007")]
    public async Task LeadWithBrokenText_400NamingTheField_NothingStored(string body, string field, string reason)
    {
        var response = await Admin.PostAsync("/api/leads", JsonText(body));

        Assert.Contains(reason, await ProblemAsync(response, HttpStatusCode.BadRequest, field), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await Admin.AllLeads());
        await StillServesAsync();
    }

    [Theory]
    [InlineData("/api/reps/a")]
    [InlineData("/api/teams/sdr")]
    public async Task PatchWithADuplicateKeyOrBrokenText_400NamingTheField(string path)
    {
        var twice = await Admin.PatchAsync(path, new StringContent("""{"name": "One", "name": "Two"}""", Encoding.UTF8, "application/json"));
        Assert.Contains("given twice", await ProblemAsync(twice, HttpStatusCode.BadRequest, "name"), StringComparison.Ordinal);

        var broken = await Admin.PatchAsync(path, new StringContent("""{"name": "Nul\u0000"}""", Encoding.UTF8, "application/json"));
        Assert.Contains("U+0000", await ProblemAsync(broken, HttpStatusCode.BadRequest, "name"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FormWithNulOrTooManyFields_400_TheFormStillWorks()
    {
        var form = await Admin.PostOk("/api/forms", new { key = "contact", name = "Contact" });
        var url = form["postUrl"].Str();
        var anonymous = new HttpClient { BaseAddress = Host.BaseAddress };

        var nul = await anonymous.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "g@example.com", ["company"] = "Nul\0Co" }));
        Assert.Contains("invalid characters", await ProblemAsync(nul, HttpStatusCode.BadRequest, "body"), StringComparison.Ordinal); // ASP.NET Core's form reader refuses NUL itself

        var many = await anonymous.PostAsync(url, new FormUrlEncodedContent(Enumerable.Range(0, 1_100).Select(i => KeyValuePair.Create($"f{i}", "x")).Prepend(KeyValuePair.Create("email", "h@example.com"))));
        Assert.Contains("1024", await ProblemAsync(many, HttpStatusCode.BadRequest, "body"), StringComparison.Ordinal);

        var good = await anonymous.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "i@example.com" }));
        Assert.True(good.IsSuccessStatusCode, $"{(int)good.StatusCode}");
        Assert.Equal(["i@example.com"], (await Admin.AllLeads()).Select(l => l["email"].Str()));
    }

    [Fact]
    public async Task ImportWithABrokenCharacterInOneRow_RejectsThatRowOnly_AndCarriesOn()
    {
        var csv = new StringBuilder("email,company\n");
        for (var i = 0; i < 450; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"row{i}@example.com,{(i == 250 ? "Bad\0Co" : "Co" + i)}\n");
        }

        var response = await Admin.PostAsync("/api/imports", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
        var result = await response.Json();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((449, 1), (result["imported"]!.GetValue<int>(), result["rejected"]!.GetValue<int>()));
        Assert.Contains("U+0000", result["rejects"]![0]!["reason"].Str(), StringComparison.Ordinal);
        Assert.Equal(252, result["rejects"]![0]!["line"]!.GetValue<int>());
        Assert.Equal(449, (await Admin.AllLeads()).Count);
    }

    [Fact]
    public async Task ImportLargerThanAllowed_SentChunked_413WithHowFarItGot_TheRowsBeforeStay()
    {
        // ~3 KB a row, 3 MB allowed, 6 MB sent: the limit falls after about 1,000 rows, batches in (the
        // server reads up to 1 MB ahead of the import, so the cut is not exactly at the limit).
        var csv = new StringBuilder("email,company,note\n");
        var padding = new string('x', 3_000);
        for (var i = 0; i < 2_000; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"bulk{i:00000}@example.com,Company {i},{padding}\n");
        }

        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())));
        content.Headers.ContentType = new("text/csv");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/imports") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        var response = await Admin.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode}: {text}");
        var problem = JsonNode.Parse(text)!;
        Assert.True(problem["imported"] is not null, text);
        var imported = problem["imported"]!.GetValue<int>();
        Assert.InRange(imported, 200, 1_000);
        Assert.Contains($"lines up to {problem["lastLine"]}", problem["detail"].Str(), StringComparison.Ordinal);
        Assert.Equal(imported, (await Admin.AllLeads()).Count);
        await StillServesAsync();
    }

    [Fact]
    public async Task ThreeHundredPeopleSharingACompanySwitchboardNumber_StayThreeHundredLeads_TheSamePersonAgainMerges()
    {
        for (var i = 0; i < 300; i++)
        {
            var lead = await Admin.PostAsJsonAsync("/api/leads", new { email = $"person{i}@bigco.example", firstName = $"First{i}", lastName = $"Last{i}", phone = "+1 415 555 0100" });
            Assert.Equal(HttpStatusCode.Created, lead.StatusCode);
        }

        // The same person again by phone and name, without an email: merged, saying by what.
        var again = await Admin.PostOk("/api/leads", new { firstName = "First7", lastName = "Last7", phone = "(415) 555-0100", country = "US" });
        Assert.True(again["duplicate"]!.GetValue<bool>());
        var timeline = (await (await Admin.GetAsync($"/api/leads/{again["id"].Str()}")).Json())["timeline"]!.AsArray();
        Assert.Contains(timeline, e => e!["type"].Str() == "merged" && e["note"].Str().Contains("same phone +14155550100 and the same name", StringComparison.Ordinal));
        Assert.Equal(300, (await Admin.AllLeads()).Count);
    }

    [Fact]
    public async Task LeadWithNoWayToReachThePerson_RefusedOnEveryChannel_UnlessTheIntakeRulesAllowIt()
    {
        var api = await Admin.PostAsJsonAsync("/api/leads", new { firstName = "Nobody", company = new { name = "Nowhere" } });
        Assert.Contains("an email or a phone", await ProblemAsync(api, HttpStatusCode.BadRequest, "email"), StringComparison.Ordinal);

        await Admin.PostOk("/api/forms", new { key = "contact", name = "Contact" });
        var form = await new HttpClient { BaseAddress = Host.BaseAddress }.PostAsync("/forms/contact", new FormUrlEncodedContent(new Dictionary<string, string> { ["firstName"] = "Nobody" }));
        Assert.Contains("an email or a phone", await ProblemAsync(form, HttpStatusCode.BadRequest, "email"), StringComparison.Ordinal);

        var import = await (await Admin.PostAsync("/api/imports", new StringContent("firstName,email\nNobody,\nSomebody,some@example.com\n", Encoding.UTF8, "text/csv"))).Json();
        Assert.Equal((1, 1), (import["imported"]!.GetValue<int>(), import["rejected"]!.GetValue<int>()));
        Assert.Contains("an email or a phone", import["rejects"]![0]!["reason"].Str(), StringComparison.Ordinal);
        Assert.Single(await Admin.AllLeads());

        var rules = await Admin.PutAsync("/api/intake/rules", new StringContent("requireContact: false\n", Encoding.UTF8, "application/yaml"));
        Assert.True(rules.IsSuccessStatusCode, await rules.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, (await Admin.PostAsJsonAsync("/api/leads", new { firstName = "Nobody", company = new { name = "Nowhere" } })).StatusCode);
    }

    [Fact]
    public async Task OverLongNamesNotesAndListsAndWildPages_400NamingTheField()
    {
        var lead = (await Admin.PostOk("/api/leads", new { email = "limits@example.com" }))["id"].Str();
        var cases = new (string Method, string Path, object Body, string Field, string Reason)[]
        {
            ("POST", "/api/teams", new { id = "long", name = new string('n', 201) }, "name", "at most 200 characters"),
            ("POST", "/api/webhooks", new { url = "https://example.com/" + new string('u', 2_000), events = new[] { "*" } }, "url", "at most 2,000 characters"),
            ("POST", "/api/pools", new { id = "wide", name = "Wide", memberRepIds = Enumerable.Range(0, 1_001).Select(i => $"r{i}") }, "memberRepIds", "at most 1,000 items"),
            ("POST", $"/api/leads/{lead}/activities", new { type = "note", note = new string('x', 10_001) }, "note", "at most 10,000 characters"),
            ("POST", $"/api/leads/{lead}/status", new { status = "lost", reason = new string('r', 1_001) }, "reason", "at most 1,000 characters"),
            ("PATCH", "/api/reps/a", new { skills = Enumerable.Range(0, 101).Select(i => $"s{i}") }, "skills", "at most 100 items"),
        };
        foreach (var (method, path, body, field, reason) in cases)
        {
            var response = await Admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(body) });
            Assert.Contains(reason, await ProblemAsync(response, HttpStatusCode.BadRequest, field), StringComparison.Ordinal);
        }

        // An account with thousands of domains (100,000 used to exceed SQLite's variables): refused before any query;
        // as an import row, that row is refused and the import goes on.
        var many = await Admin.PostAsJsonAsync("/api/accounts", new { name = "Huge", domains = Enumerable.Range(0, 20_000).Select(i => $"d{i}.io") });
        Assert.Contains("at most 100 items", await ProblemAsync(many, HttpStatusCode.BadRequest, "domains"), StringComparison.Ordinal);
        var csv = "name,domains\nHuge," + string.Join(";", Enumerable.Range(0, 1_000).Select(i => $"d{i}.io")) + "\nSmall,small.example\n";
        var import = await (await Admin.PostAsync("/api/accounts/import", new StringContent(csv, Encoding.UTF8, "text/csv"))).Json();
        Assert.Equal((1, 1), (import["created"]!.GetValue<int>(), import["rejected"]!.GetValue<int>()));
        Assert.Contains("domains: at most 100 items", import["rejects"]![0]!["reason"].Str(), StringComparison.Ordinal);

        foreach (var page in new[] { "/api/leads?page=2147483647", "/api/accounts?page=0", "/api/pools/unassigned/leads?page=100001" })
        {
            Assert.Contains("between 1 and 100,000", await ProblemAsync(await Admin.GetAsync(page), HttpStatusCode.BadRequest, "page"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EveryAnswer_CarriesSecurityHeaders_ApiAnswersAreNotStored()
    {
        var lead = await Admin.PostOk("/api/leads", new { email = "headers@example.com" });
        var anonymous = new HttpClient { BaseAddress = Host.BaseAddress };

        foreach (var response in new[]
                 {
                     await Admin.GetAsync($"/api/leads/{lead["id"].Str()}"),
                     await Admin.GetAsync("/api/leads/no-such-lead"),
                     await anonymous.GetAsync("/api/leads"),
                     await Admin.PostAsync("/api/leads", JsonText("{")),
                 })
        {
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.StartsWith("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.True(response.Headers.CacheControl?.NoStore, $"{response.RequestMessage!.RequestUri}: no no-store");
        }

        var health = await anonymous.GetAsync("/healthz");
        Assert.Equal("nosniff", health.Headers.GetValues("X-Content-Type-Options").Single());
        var docs = await anonymous.GetAsync("/docs");
        Assert.Contains("script-src 'self'", docs.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }
}

public sealed class SqliteHostileInputTests() : HostileInputTests(new SqliteDatabase());

public sealed class PostgresHostileInputTests() : HostileInputTests(new PostgresDatabase());

/// <summary>A SQLite file another process holds locked: 503 with Retry-After, not a 500; once free, all is well.</summary>
public sealed class LockedDatabaseTests() : HostedTests(new SqliteDatabase())
{
    protected override Task<ServiceHost> StartAsync(string db) => ServiceHost.StartAsync(db + ";Default Timeout=1");

    protected override Task SetUpAsync() => RoundRobinTeamAsync("a");

    [Fact]
    public async Task WriterLockHeldElsewhere_503WithRetryAfter_ThenTheSameLeadGoesIn()
    {
        var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(Host.Db).DataSource;
        await using (var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=false"))
        {
            await other.OpenAsync();
            await using var take = other.CreateCommand();
            take.CommandText = "BEGIN IMMEDIATE";
            await take.ExecuteNonQueryAsync();

            var busy = await Admin.PostAsJsonAsync("/api/leads", new { email = "locked@example.com" });

            var text = await busy.Content.ReadAsStringAsync();
            Assert.True(busy.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)busy.StatusCode}: {text}");
            Assert.Equal(TimeSpan.FromSeconds(5), busy.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", busy.Content.Headers.ContentType?.MediaType);
            Assert.Contains("try again", text, StringComparison.Ordinal);
        }

        var again = await Admin.PostOk("/api/leads", new { email = "locked@example.com" });

        Assert.Equal("assigned", again["status"].Str());
        Assert.Single(await Admin.AllLeads());
    }
}
