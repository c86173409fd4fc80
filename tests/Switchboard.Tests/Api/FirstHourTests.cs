using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchboard.Tests.Api;

/// <summary>What a new user trips over in the first hour: each a defect once, each checked here.</summary>
public abstract class FirstHourTests(TestDatabase database) : HostedTests(database)
{
    private const string Yaml = "application/yaml";

    private async Task<HttpResponseMessage> PutFlow(string yaml) =>
        await Admin.PutAsync("/api/routing/flow", new StringContent(yaml, Encoding.UTF8, Yaml));

    [Fact]
    public async Task Pools_DefaultsExistFromTheFirstStart_AFlowCannotNameAMissingOne_NorCanANamedOneBeDeleted()
    {
        var pools = await (await Admin.GetAsync("/api/pools")).JsonArray();
        Assert.Equal(["nurture", "unassigned"], pools.Select(p => p!["id"].Str()).Order());

        await RoundRobinTeamAsync("ada", "bob");
        var ghost = await PutFlow("rules:\n  - name: main\n    assign: { to: { team: sdr }, strategy: round-robin }\n    whenNoneEligible: \"pool:ghost\"\n    sla: { acceptWithin: 5m, onBreach: \"pool:limbo\" }\nfallback: { pool: ghost }\n");
        Assert.Equal(HttpStatusCode.BadRequest, ghost.StatusCode);
        var errors = (await ghost.Json())["errors"]!.AsObject();
        Assert.Equal(["fallback.pool", "rules[0].sla.onBreach", "rules[0].whenNoneEligible"], errors.Select(e => e.Key).Order());
        Assert.StartsWith("the fallback: pool 'ghost' does not exist", errors["fallback.pool"]![0].Str(), StringComparison.Ordinal);

        var intake = await Admin.PutAsync("/api/intake/rules", new StringContent("scoring:\n  fit: [{ when: \"country == 'US'\", points: 10 }]\n  mql: 5\n  nurturePool: later\n", Encoding.UTF8, Yaml));
        Assert.Equal(HttpStatusCode.BadRequest, intake.StatusCode);
        Assert.Contains("pool 'later' does not exist", (await intake.Json())["errors"]!["scoring.nurturePool"]![0].Str(), StringComparison.Ordinal);

        // Deleting what the active flow names is refused, saying where it is used.
        var deletePool = await Admin.DeleteAsync("/api/pools/unassigned");
        Assert.Equal(HttpStatusCode.Conflict, deletePool.StatusCode);
        Assert.Contains("flow version 1 (fallback.pool)", (await deletePool.Json())["detail"].Str(), StringComparison.Ordinal);
        await Admin.PostOk("/api/teams", new { id = "emea", name = "EMEA" });
        await Admin.PutFlow("rules:\n  - name: main\n    assign: { to: { team: emea }, strategy: round-robin }\n  - name: named\n    assign: { to: { reps: [bob] }, strategy: round-robin }\nfallback: { pool: unassigned }\n");
        var deleteTeam = await Admin.DeleteAsync("/api/teams/emea");
        Assert.Equal(HttpStatusCode.Conflict, deleteTeam.StatusCode);
        Assert.Equal("team 'emea' is used by flow version 2 (rules[0].assign.to.team); change those first", (await deleteTeam.Json())["detail"].Str());
        var deleteRep = await Admin.DeleteAsync("/api/reps/bob");
        Assert.Equal(HttpStatusCode.Conflict, deleteRep.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync("/api/reps/ada")).StatusCode); // named by no flow

        // A pool that nothing names any more can go.
        await Admin.PostOk("/api/pools", new { id = "spare", name = "Spare" });
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync("/api/pools/spare")).StatusCode);
    }

    [Fact]
    public async Task StrategyState_DoesNotFollowARuleNameToOtherReps_ButFollowsAnIdAcrossARename()
    {
        await Admin.PostOk("/api/teams", new { id = "sdr", name = "SDR" });
        foreach (var id in new[] { "ada", "bob", "cy", "dee" })
        {
            await Admin.PostOk("/api/reps", new { id, name = id, teamIds = new[] { "sdr" } });
        }

        await Admin.PutFlow("rules:\n  - name: enterprise\n    assign: { to: { reps: [ada, bob] }, strategy: round-robin }\nfallback: { pool: unassigned }\n");
        var first = await Admin.PostOk("/api/leads", new { email = "one@example.com" });
        Assert.Equal("ada", first["ownerRepId"].Str());
        Assert.Contains("rule 'enterprise' starts fresh", first["decision"]!["explanation"].Str(), StringComparison.Ordinal);

        // A new rule under the old name, for other reps: its own rotation, not "last served ada".
        await Admin.PutFlow("rules:\n  - name: enterprise\n    id: ent\n    assign: { to: { reps: [cy, dee] }, strategy: round-robin }\nfallback: { pool: unassigned }\n");
        var second = await Admin.PostOk("/api/leads", new { email = "two@example.com" });
        var explanation = second["decision"]!["explanation"].Str();
        Assert.Equal("cy", second["ownerRepId"].Str());
        Assert.DoesNotContain("ada", explanation, StringComparison.Ordinal);
        Assert.Contains("starts fresh", explanation, StringComparison.Ordinal);

        // Renamed, same id, target and strategy: the rotation goes on.
        await Admin.PutFlow("rules:\n  - name: big-accounts\n    id: ent\n    assign: { to: { reps: [cy, dee] }, strategy: round-robin }\nfallback: { pool: unassigned }\n");
        var third = await Admin.PostOk("/api/leads", new { email = "three@example.com" });
        Assert.Equal("dee", third["ownerRepId"].Str());
        Assert.Contains("last served cy", third["decision"]!["explanation"].Str(), StringComparison.Ordinal);
        var state = await (await Admin.GetAsync("/api/routing/state")).JsonArray();
        Assert.Contains(state, s => s!["rule"].Str() == "ent" && s["pointer"].Str() == "dee");

        var twice = await PutFlow("rules:\n  - name: a\n    id: same\n    assign: { to: { team: sdr }, strategy: round-robin }\n  - name: b\n    id: same\n    assign: { to: { team: sdr }, strategy: round-robin }\nfallback: { pool: unassigned }\n");
        Assert.Contains("id 'same' is used by another rule", (await twice.Json())["errors"]!["rules[1].id"]![0].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_TakesAPlainLead_OrALeadWithACandidateFlow()
    {
        await RoundRobinTeamAsync("ada", "bob");
        var plain = await Admin.PostAsJsonAsync("/api/routing/dry-run", new { email = "jo@bigco.com", country = "US" });
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal(("assigned", "main"), ((await plain.Json())["decision"]!["kind"].Str(), (await plain.Json())["decision"]!["rule"].Str()));

        var candidate = await Admin.PostAsJsonAsync("/api/routing/dry-run", new
        {
            lead = new { email = "jo@bigco.com", country = "US" },
            flow = "rules:\n  - name: us-only\n    when: country == 'US'\n    assign: { to: { reps: [bob] }, strategy: round-robin }\nfallback: { pool: unassigned }\n",
        });
        var decision = (await candidate.Json())["decision"]!;
        Assert.Equal(("us-only", "bob", 0), (decision["rule"].Str(), decision["repId"].Str(), decision["flowVersion"]!.GetValue<int>()));
        Assert.Empty((await Admin.AllLeads()));

        var bad = await Admin.PostAsJsonAsync("/api/routing/dry-run", new { lead = new { email = "x@y.com", shoeSize = 44 } });
        Assert.Equal("unknown field; custom data goes under 'attributes'", (await bad.Json())["errors"]!["lead.shoeSize"]![0].Str());
        var badPlain = await Admin.PostAsJsonAsync("/api/routing/dry-run", new { email = "x@y.com", shoeSize = 44 });
        Assert.NotNull((await badPlain.Json())["errors"]!["shoeSize"]);
        var badFlow = await Admin.PostAsJsonAsync("/api/routing/dry-run", new { lead = new { email = "x@y.com" }, flow = new { rules = Array.Empty<object>(), fallback = new { pool = "ghost" } } });
        Assert.Contains("pool 'ghost' does not exist", (await badFlow.Json())["errors"]!["flow.fallback.pool"]![0].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicForms_AcceptUrlencodedMultipartAndJson_OtherTypesAre415_AndPublicPagesAnswerHead()
    {
        await RoundRobinTeamAsync("ada");
        await Admin.PostOk("/api/forms", new { key = "demo", name = "Demo", fieldMap = new Dictionary<string, string> { ["mail"] = "email" } });
        using var anonymous = new HttpClient { BaseAddress = Host.BaseAddress };

        var json = await anonymous.PostAsJsonAsync("/forms/demo", new { mail = "json@example.com", company = "Acme" });
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.True((await json.Json())["received"]!.GetValue<bool>());
        using var multipart = new MultipartFormDataContent { { new StringContent("multi@example.com"), "mail" } };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsync("/forms/demo", multipart)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsync("/forms/demo", new FormUrlEncodedContent(new Dictionary<string, string> { ["mail"] = "url@example.com" }))).StatusCode);
        var text = await anonymous.PostAsync("/forms/demo", new StringContent("mail=x@example.com", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        var nested = await anonymous.PostAsJsonAsync("/forms/demo", new { mail = new { a = 1 } });
        Assert.Equal(HttpStatusCode.BadRequest, nested.StatusCode);
        Assert.NotNull((await nested.Json())["errors"]!["mail"]);

        var emails = (await Admin.AllLeads()).Select(l => l["email"].Str()).Order();
        Assert.Equal(["json@example.com", "multi@example.com", "url@example.com"], emails);

        foreach (var path in new[] { "/healthz", "/openapi/v1.json", "/docs" })
        {
            var head = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            Assert.True(head.StatusCode == HttpStatusCode.OK, $"HEAD {path} → {(int)head.StatusCode}");
        }
    }

    [Fact]
    public async Task OpenApi_DeclaresBearerKeys_AndRequiresOnlyWhatIsRequired()
    {
        using var anonymous = new HttpClient { BaseAddress = Host.BaseAddress };
        var doc = await (await anonymous.GetAsync("/openapi/v1.json")).Json();
        Assert.Equal(("http", "bearer"), (doc["components"]!["securitySchemes"]!["bearer"]!["type"].Str(), doc["components"]!["securitySchemes"]!["bearer"]!["scheme"].Str()));
        Assert.True(doc["security"]!.AsArray().Single()!.AsObject().ContainsKey("bearer"));

        List<string> Required(string schema) => [.. (doc["components"]!["schemas"]![schema]!["required"]?.AsArray() ?? []).Select(r => r.Str())];
        Assert.Equal(["id", "name"], Required("TeamInput"));
        Assert.Equal(["name", "role"], Required("KeyInput").Order());
        Assert.DoesNotContain("ownerRepId", Required("LeadView")); // left out of answers when null
        Assert.Contains("id", Required("LeadView"));

        // /docs sends the key the document declares: a call with it works.
        Assert.Equal(HttpStatusCode.OK, (await Admin.GetAsync("/api/teams")).StatusCode);
    }

    [Fact]
    public async Task EveryBadQueryNamesItsField_AndJsonIsWrittenTheSameReadableWayEverywhere()
    {
        var report = await Admin.GetAsync("/api/reports/response-times?from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, report.StatusCode);
        Assert.Contains("'yesterday' is not a date", (await report.Json())["errors"]!["from"]![0].Str(), StringComparison.Ordinal);
        var reversed = await Admin.GetAsync("/api/reports/response-times?from=2026-12-02&to=2026-12-01");
        Assert.StartsWith("must be before to", (await reversed.Json())["errors"]!["from"]![0].Str(), StringComparison.Ordinal);
        var page = await Admin.GetAsync("/api/leads?page=abc");
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Equal("'abc' is not a whole number", (await page.Json())["errors"]!["page"]![0].Str());

        var created = await Admin.PostAsJsonAsync("/api/teams", new { id = "apos", name = "Ada's <Team> & Co — Zürich" });
        var got = await Admin.GetAsync("/api/teams/apos");
        foreach (var text in new[] { await created.Content.ReadAsStringAsync(), await got.Content.ReadAsStringAsync() })
        {
            Assert.Contains("\"name\":\"Ada's <Team> & Co — Zürich\"", text, StringComparison.Ordinal);
        }
    }
}

public sealed class SqliteFirstHourTests() : FirstHourTests(new SqliteDatabase());

public sealed class PostgresFirstHourTests() : FirstHourTests(new PostgresDatabase());

/// <summary>The service's log as an operator sees it: no line per request at information level.</summary>
public sealed class RequestLoggingTests
{
    private sealed class Capture : ILoggerProvider
    {
        public readonly System.Collections.Concurrent.ConcurrentQueue<(string Category, LogLevel Level, string Message)> Lines = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(Capture capture, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                capture.Lines.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }

    [Fact]
    public async Task Requests_WriteNoInformationLines_StartUpStillSaysWhereItListens()
    {
        var capture = new Capture();
        var db = await new SqliteDatabase().CreateAsync();
        await using var app = await SwitchboardApp.CreateAsync(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration["DB"] = db;
            b.Configuration["ADMIN_KEY"] = ServiceHost.AdminKey;
            b.Logging.ClearProviders();
            b.Logging.AddProvider(capture);
        }, TextWriter.Null);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceHost.AdminKey);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/teams")).StatusCode);
        }

        await app.StopAsync();
        Assert.Contains(capture.Lines, l => l.Message.StartsWith("Now listening on", StringComparison.Ordinal));
        var perRequest = capture.Lines.Where(l => l.Level <= LogLevel.Information && l.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)).ToList();
        Assert.True(perRequest.Count == 0, string.Join("\n", perRequest.Select(l => $"{l.Category}: {l.Message}")));
        new SqliteDatabase().Delete(db);
    }
}
