using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Auth;
using Switchboard.Storage;

namespace Switchboard.Tests.Api;

/// <summary>
/// Generated from the access table itself (<see cref="AccessPolicy.Routes"/>): every route is called with
/// a key of every role, on a resource within the role's reach and on one outside it, and the answer must
/// be what the cell says — 403 for no access; 404, as if it did not exist, outside a scoped reach; and
/// neither inside it. Lists a scoped role calls must not show what is outside its reach. A route added
/// to the table without a probe below fails here.
/// </summary>
public sealed class AccessTableTests() : HostedTests(new SqliteDatabase())
{
    private const string Flow = """
        rules:
          - name: one
            when: "attributes.team == 't1'"
            assign: { to: { team: t1 }, strategy: round-robin }
          - name: two
            when: "attributes.team == 't2'"
            assign: { to: { team: t2 }, strategy: round-robin }
        fallback: { pool: unassigned }
        """;

    private readonly Dictionary<string, HttpClient> _keys = [];
    private int _n;

    protected override Task<ServiceHost> StartAsync(string db) =>
        ServiceHost.StartAsync(db, settings: new Dictionary<string, string> { ["WEBHOOKS_ALLOW_PRIVATE"] = "true", ["LEAD_CLOCK"] = "false" });

    protected override async Task SetUpAsync()
    {
        foreach (var team in new[] { "t1", "t2", "t3" }) // t3: where reps made by the probes go, outside the rotations
        {
            await Admin.PostOk("/api/teams", new { id = team, name = team });
        }

        await Admin.PostOk("/api/reps", new { id = "r1", name = "R1", teamIds = new[] { "t1" } });
        await Admin.PostOk("/api/reps", new { id = "r2", name = "R2", teamIds = new[] { "t2" } });
        await Admin.PutFlow(Flow);
        await Admin.PostOk("/api/pools", new { id = "p1", name = "P1", memberTeamIds = new[] { "t1" } });
        await Admin.PostOk("/api/pools", new { id = "p2", name = "P2", memberTeamIds = new[] { "t2" } });
        await Admin.PostOk("/api/accounts", new { id = "a1", name = "Acme One", ownerRepId = "r1" });
        await Admin.PostOk("/api/accounts", new { id = "a2", name = "Acme Two", ownerRepId = "r2" });
        _keys[Roles.Admin] = Admin;
        _keys[Roles.Manager] = Host.Client(await Admin.NewKey(new { name = "m1", role = "manager", teamIds = new[] { "t1" } }));
        _keys[Roles.Rep] = Host.Client(await Admin.NewKey(new { name = "r1", role = "rep", repId = "r1" }));
        _keys[Roles.Integration] = Host.Client(await Admin.NewKey(new { name = "crm", role = "integration" }));
    }

    private string Next() => (++_n).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A new lead for a team's rep, created with this key (an integration's own lead is one it created).</summary>
    private async Task<string> LeadAsync(string team, HttpClient? by = null) =>
        (await (by ?? Admin).PostOk("/api/leads", new { email = $"lead{Next()}@example.com", attributes = new { team } }))["id"].Str();

    /// <summary>The ids a role reaches and does not reach, by resource kind.</summary>
    private async Task<(string Own, string Other)> IdsAsync(string kind, string role) => kind switch
    {
        "leads" when role == Roles.Integration => (await LeadAsync("t1", _keys[Roles.Integration]), await LeadAsync("t1")),
        "leads" => (await LeadAsync("t1"), await LeadAsync("t2")),
        "reps" => ("r1", "r2"),
        "teams" => ("t1", "t2"),
        "pools" => ("p1", "p2"),
        "accounts" => ("a1", "a2"),
        _ => throw new InvalidOperationException($"no ids for {kind}"),
    };

    /// <summary>A throwaway resource for routes that delete or change what the other probes stand on.</summary>
    private async Task<string> SpareAsync(string path)
    {
        var n = Next();
        return path switch
        {
            "/api/keys/{id}" => (await Admin.PostOk("/api/keys", new { name = "spare" + n, role = "integration" }))["id"].Str(),
            "/api/users/{id}" => (await Admin.PostOk("/api/users", new { email = $"spare{n}@example.com", role = "admin" }))["user"]?["id"]?.Str()
                ?? throw new InvalidOperationException("user id"),
            "/api/teams/{id}" => (await Admin.PostOk("/api/teams", new { id = "t-spare" + n, name = "Spare" }))["id"].Str(),
            "/api/reps/{id}" => (await Admin.PostOk("/api/reps", new { id = "r-spare" + n, name = "Spare", teamIds = new[] { "t3" } }))["id"].Str(),
            "/api/pools/{id}" => (await Admin.PostOk("/api/pools", new { id = "p-spare" + n, name = "Spare", memberTeamIds = new[] { "t1" } }))["id"].Str(),
            "/api/accounts/{id}" => (await Admin.PostOk("/api/accounts", new { id = "a-spare" + n, name = "Spare " + n }))["id"].Str(),
            "/api/holidays/{region}" => await PutHolidaysAsync("spare" + n),
            "/api/forms/{key}" => (await Admin.PostOk("/api/forms", new { key = "f-spare" + n, name = "Spare" }))["key"].Str(),
            "/api/webhooks/{id}" or "/api/webhooks/{id}/deliveries" => (await Admin.PostOk("/api/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "*" } }))["webhook"]?["id"]?.Str()
                ?? throw new InvalidOperationException("webhook id"),
            "/api/routing/flow/versions/{version}" => "1",
            "/api/leads/{id}/personal-data" => await LeadAsync("t1"),
            _ => throw new InvalidOperationException($"no spare for {path}"),
        };
    }

    /// <summary>A given-up delivery of a spare webhook, to send again.</summary>
    private async Task<string> ResendPathAsync()
    {
        var hook = await SpareAsync("/api/webhooks/{id}");
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var delivery = new DeliveryRow { WebhookId = hook, EventId = "evt_spare" + Next(), Type = "lead.created", Status = "failed", Attempts = 9 };
        db.Deliveries.Add(delivery);
        await db.SaveChangesAsync();
        return $"/api/webhooks/{hook}/deliveries/{delivery.Id}/resend";
    }

    private async Task<string> PutHolidaysAsync(string region)
    {
        (await Admin.PutAsJsonAsync($"/api/holidays/{region}", new { name = region, dates = new[] { "2026-12-25" } })).EnsureSuccessStatusCode();
        return region;
    }

    /// <summary>A body each route takes (validity is not the point: the answer must show whether the caller got through).</summary>
    private HttpContent? BodyOf(AccessRule rule) => $"{rule.Method} {rule.Path}" switch
    {
        "POST /api/keys" => JsonContent.Create(new { name = "k" + Next(), role = "integration" }),
        "POST /api/users" => JsonContent.Create(new { email = $"u{Next()}@example.com", role = "admin" }),
        "PATCH /api/users/{id}" => JsonContent.Create(new { locked = false }),
        "POST /api/teams" => JsonContent.Create(new { id = "t-new" + Next(), name = "New" }),
        "PATCH /api/teams/{id}" => JsonContent.Create(new { name = "Renamed" }),
        "POST /api/reps" => JsonContent.Create(new { id = "r-new" + Next(), name = "New", teamIds = new[] { "t3" } }),
        "PATCH /api/reps/{id}" => JsonContent.Create(new { status = "available" }),
        "PUT /api/holidays/{region}" => JsonContent.Create(new { name = "x", dates = new[] { "2026-12-25" } }),
        "PUT /api/routing/flow" => new StringContent(Flow, Encoding.UTF8, "application/yaml"),
        "POST /api/routing/dry-run" => JsonContent.Create(new { email = "dry@example.com", attributes = new { team = "t1" } }),
        "POST /api/leads" => JsonContent.Create(new { email = $"new{Next()}@example.com", attributes = new { team = "t1" } }),
        "POST /api/leads/{id}/decline" => JsonContent.Create(new { reason = "busy" }),
        "POST /api/leads/{id}/activities" => JsonContent.Create(new { type = "call", note = "rang" }),
        "POST /api/leads/{id}/status" => JsonContent.Create(new { status = "contacted" }),
        "POST /api/leads/{id}/feedback" => JsonContent.Create(new { score = 9 }),
        "POST /api/leads/{id}/reassign" => JsonContent.Create(new { reason = "test" }),
        "POST /api/pools" => JsonContent.Create(new { id = "p-new" + Next(), name = "New", memberTeamIds = new[] { "t1" } }),
        "PATCH /api/pools/{id}" => JsonContent.Create(new { name = "Renamed" }),
        "PUT /api/intake/rules" => new StringContent("requireContact: true\n", Encoding.UTF8, "application/yaml"),
        "POST /api/imports" => new StringContent($"email\nimp{Next()}@example.com\n", Encoding.UTF8, "text/csv"),
        "POST /api/accounts" => JsonContent.Create(new { id = "a-new" + Next(), name = "New " + Next() }),
        "PATCH /api/accounts/{id}" => JsonContent.Create(new { name = "Renamed " + Next() }),
        "POST /api/accounts/import" => new StringContent($"name,domains\nImported {Next()},imp{Next()}.example\n", Encoding.UTF8, "text/csv"),
        "POST /api/forms" => JsonContent.Create(new { key = "f-new" + Next(), name = "New" }),
        "POST /api/webhooks" => JsonContent.Create(new { url = "http://127.0.0.1:9/hook", events = new[] { "*" } }),
        "POST /api/routing/held/retry" or "POST /api/leads/{id}/accept" or "POST /api/pools/{id}/claims"
            or "POST /api/webhooks/{id}/deliveries/{deliveryId}/resend" => null,
        var other when rule.Method is "GET" or "DELETE" => null,
        var other => throw new InvalidOperationException($"{other}: no probe body; add one"),
    };

    private static readonly Dictionary<string, string> ListOf = new()
    {
        ["/api/leads"] = "leads", ["/api/reps"] = "reps", ["/api/teams"] = "teams", ["/api/pools"] = "pools", ["/api/accounts"] = "accounts",
    };

    private async Task<(HttpStatusCode Status, string Body)> CallAsync(string role, AccessRule rule, string path)
    {
        var response = await _keys[role].SendAsync(new HttpRequestMessage(new HttpMethod(rule.Method), path) { Content = BodyOf(rule) });
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EveryRoute_EveryRole_AnswersAsTheTableSays()
    {
        var failures = new List<string>();
        // Deletes last: they take spares, but run them after everything else anyway.
        foreach (var rule in AccessPolicy.Routes.OrderBy(r => r.Method == "DELETE"))
        {
            foreach (var role in Roles.All)
            {
                var access = rule.For(role);
                string Cell(string probe) => $"{rule.Method} {rule.Path} as {role} ({access}, {probe})";
                var scoped = rule.Resource is { } kind && Roles.All.Any(r => rule.For(r) is Access.Own or Access.Teams or Access.Offered) && rule.Method != "DELETE";
                if (!scoped)
                {
                    var path = rule.Path.EndsWith("/resend", StringComparison.Ordinal) ? await ResendPathAsync()
                        : rule.Path.Contains('{', StringComparison.Ordinal) ? Fill(rule.Path, await SpareAsync(PathOf(rule.Path))) : rule.Path;
                    var (status, body) = await CallAsync(role, rule, path);
                    Check(Cell(path), access == Access.No ? status == HttpStatusCode.Forbidden : status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && !Hidden(status, body), status, body);
                    if (access is Access.Teams or Access.Own && ListOf.TryGetValue(rule.Path, out var listed))
                    {
                        var (_, other) = await IdsAsync(listed, role);
                        Check(Cell("list"), !body.Contains($"\"{other}\"", StringComparison.Ordinal), status, body);
                    }

                    continue;
                }

                var (own, otherId) = await IdsAsync(rule.Resource!, role);
                var mine = await CallAsync(role, rule, Fill(rule.Path, own));
                var theirs = await CallAsync(role, rule, Fill(rule.Path, otherId));
                switch (access)
                {
                    case Access.No:
                        Check(Cell(own), mine.Status == HttpStatusCode.Forbidden, mine.Status, mine.Body);
                        Check(Cell(otherId), theirs.Status == HttpStatusCode.Forbidden, theirs.Status, theirs.Body);
                        break;
                    case Access.All:
                        Check(Cell(own), Through(mine), mine.Status, mine.Body);
                        Check(Cell(otherId), Through(theirs), theirs.Status, theirs.Body);
                        break;
                    default:
                        Check(Cell(own), Through(mine), mine.Status, mine.Body);
                        Check(Cell(otherId + " outside the reach"), Hidden(theirs.Status, theirs.Body), theirs.Status, theirs.Body);
                        break;
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} cells answer otherwise than the table says:\n" + string.Join("\n", failures));

        void Check(string cell, bool ok, HttpStatusCode status, string body)
        {
            if (!ok)
            {
                failures.Add($"{cell}: {(int)status} {body[..Math.Min(200, body.Length)]}");
            }
        }
    }

    [Fact]
    public async Task Manager_ChangesOnlyAvailabilityOfTheirReps_HandsLeadsOnlyToThem_SeesOnlyTheirTeams()
    {
        var manager = _keys[Roles.Manager];
        foreach (var (field, value) in new (string, object)[] { ("teamIds", new[] { "t2" }), ("weight", 5), ("caps", new { perDay = 100 }) })
        {
            var patch = await manager.PatchAsync("/api/reps/r1", JsonContent.Create(new Dictionary<string, object> { [field] = value }));
            Assert.Equal(HttpStatusCode.Forbidden, patch.StatusCode);
            Assert.Contains($"'{field}' is the admin's to change", (await patch.Json())["detail"].Str(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await manager.PatchAsJsonAsync("/api/reps/r1", new { status = "away" })).StatusCode);
        await Admin.PatchAsJsonAsync("/api/reps/r1", new { status = "available" });

        var lead = await LeadAsync("t1");
        var toOther = await manager.PostAsJsonAsync($"/api/leads/{lead}/reassign", new { repId = "r2" });
        Assert.Equal(HttpStatusCode.NotFound, toOther.StatusCode);
        Assert.Equal("no rep 'r2'", (await toOther.Json())["detail"].Str());

        // Routing state and dry-run: nothing of team t2.
        await LeadAsync("t2");
        var state = await (await manager.GetAsync("/api/routing/state")).Content.ReadAsStringAsync();
        Assert.Contains("\"r1\"", state, StringComparison.Ordinal);
        Assert.DoesNotContain("r2", state, StringComparison.Ordinal);
        var dry = await (await manager.PostAsJsonAsync("/api/routing/dry-run", new { email = "x@example.com", attributes = new { team = "t2" } })).Json();
        Assert.Null(dry["decision"]!["repId"]);
        Assert.Empty(dry["decision"]!["candidates"]!.AsArray());
        Assert.Equal("rule 'two' gives it to a rep outside your teams", dry["decision"]!["explanation"].Str());
        Assert.DoesNotContain("r2", dry.ToJsonString(), StringComparison.Ordinal);
        var ours = await (await manager.PostAsJsonAsync("/api/routing/dry-run", new { email = "y@example.com", attributes = new { team = "t1" } })).Json();
        Assert.Equal("r1", ours["decision"]!["repId"].Str());

        // Accounts of their reps only; forms not at all.
        var accounts = await (await manager.GetAsync("/api/accounts")).Json();
        Assert.Equal(["a1"], accounts["items"]!.AsArray().Select(a => a!["id"].Str()));
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/api/forms")).StatusCode);
    }

    [Fact]
    public async Task Integration_CreatesAndReadsItsOwnLeads_AndWorksNone()
    {
        var crm = _keys[Roles.Integration];
        var own = await LeadAsync("t1", crm);
        Assert.Equal(HttpStatusCode.OK, (await crm.GetAsync($"/api/leads/{own}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await crm.GetAsync($"/api/leads/{await LeadAsync("t1")}")).StatusCode);
        foreach (var (action, body) in new (string, object)[] { ("status", new { status = "contacted" }), ("activities", new { type = "call", note = "x" }), ("feedback", new { score = 3 }) })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await crm.PostAsJsonAsync($"/api/leads/{own}/{action}", body)).StatusCode);
        }
    }

    private static bool Through((HttpStatusCode Status, string Body) answer) =>
        answer.Status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && !Hidden(answer.Status, answer.Body);

    /// <summary>Answered as if it did not exist: 404 naming the resource asked for.</summary>
    private static bool Hidden(HttpStatusCode status, string body) =>
        status == HttpStatusCode.NotFound && JsonNode.Parse(body)?["detail"]?.GetValue<string>() is { } detail && detail.StartsWith("no ", StringComparison.Ordinal) && !detail.Contains(" to claim", StringComparison.Ordinal);

    private static string PathOf(string path) => path.StartsWith("/api/webhooks/{id}", StringComparison.Ordinal) ? "/api/webhooks/{id}" : path;

    private static string Fill(string path, string id) => System.Text.RegularExpressions.Regex.Replace(path, @"\{\w+\}", Uri.EscapeDataString(id));
}
