using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Notify;
using Switchboard.Storage;

namespace Switchboard.Tests.Api;

/// <summary>
/// Webhooks against a real local HTTP receiver that fails the first three attempts of every event and
/// sometimes does not answer in time: every committed event arrives, with one id and a valid signature;
/// an event of a rolled-back transaction never does; an endpoint answering 410 is disabled.
/// </summary>
public abstract class WebhookTests(TestDatabase database) : HostedTests(database)
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
    private readonly ConcurrentQueue<(string Id, string Timestamp, string Signature, string Body)> _received = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new();
    private readonly ConcurrentQueue<(string Name, string Id, string Timestamp, string Signature, string Body)> _payloads = new();
    private WebApplication? _receiver;

    protected override Task<ServiceHost> StartAsync(string db) => ServiceHost.StartAsync(db, _clock, new Dictionary<string, string>
    {
        ["WEBHOOKS_ALLOW_PRIVATE"] = "true",
        ["WEBHOOK_TIMEOUT_MS"] = "500",
        ["CLOCK_MS"] = "200",
    });

    protected override async Task SetUpAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _receiver = builder.Build();
        _receiver.MapPost("/hook", async (HttpRequest request) =>
        {
            var body = await new StreamReader(request.Body).ReadToEndAsync();
            var id = request.Headers["webhook-id"].ToString();
            var attempt = _attempts.AddOrUpdate(id, 1, (_, n) => n + 1);
            if (attempt <= 3)
            {
                return Results.StatusCode(500);
            }

            if (attempt == 4 && id[^1] % 3 == 0) // 6 of the 16 hex digits: over a third of the events, picked by their own id, not by a per-process string hash
            {
                // No answer until the service gives up and drops the connection: a fixed delay could still
                // beat the service's timer on a loaded machine. Received all the same: a failure, however it ends.
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), request.HttpContext.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }
            }

            _received.Enqueue((id, request.Headers["webhook-timestamp"].ToString(), request.Headers["webhook-signature"].ToString(), body));
            return Results.Ok();
        });
        _receiver.MapPost("/gone", () => Results.StatusCode(410));
        _receiver.MapPost("/other", () => Results.Ok());
        _receiver.MapPost("/payload/{name}", async (string name, HttpRequest request) =>
        {
            _payloads.Enqueue((name, request.Headers["webhook-id"].ToString(), request.Headers["webhook-timestamp"].ToString(), request.Headers["webhook-signature"].ToString(),
                await new StreamReader(request.Body).ReadToEndAsync()));
            return Results.Ok();
        });
        await _receiver.StartAsync();
        await RoundRobinTeamAsync("a", "b");
    }

    protected override async ValueTask TearDownAsync()
    {
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
    }

    [Fact]
    public async Task EveryCommittedEventArrives_SameIdValidSignature_RolledBackNever_410Disables()
    {
        var url = _receiver!.Urls.First();
        var hook = await Admin.PostOk("/api/webhooks", new { url = url + "/hook", events = new[] { "*" } });
        var gone = await Admin.PostOk("/api/webhooks", new { url = url + "/gone", events = new[] { "lead.created" } });
        await Admin.PostOk("/api/teams", new { id = "other", name = "Other" });
        var otherTeam = await Admin.PostOk("/api/webhooks", new { url = url + "/other", events = new[] { "lead.assigned" }, teamIds = new[] { "other" } });
        var repA = await Admin.PostOk("/api/webhooks", new { url = url + "/other", events = new[] { "lead.assigned" }, repIds = new[] { "a" } });
        var secret = hook["secret"].Str();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);

        var leads = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            leads.Add((await Admin.PostOk("/api/leads", new { email = $"hook{i}@example.com" }))["id"].Str());
        }

        // A change that rolls back after its timeline entry (and so its event) was saved.
        await using (var scope = Host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
            await using var tx = await db.Database.BeginTransactionAsync();
            db.LeadEvents.Add(new LeadEventRow { LeadId = "rolled-back-lead", Type = "created", At = _clock.GetUtcNow(), Actor = "test" });
            await db.SaveChangesAsync();
            await tx.RollbackAsync();
        }

        // Every lead's created and assigned events, as its timeline tells them.
        var expected = new HashSet<string>();
        foreach (var id in leads)
        {
            var timeline = (await (await Admin.GetAsync($"/api/leads/{id}")).Json())["timeline"]!.AsArray();
            foreach (var e in timeline.Where(e => e!["type"].Str() is "created" or "assigned"))
            {
                expected.Add($"{id}/lead.{e!["type"].Str()}");
            }
        }

        Assert.Equal(12, expected.Count);
        var step = TimeSpan.FromSeconds(10);
        // Until every event arrived and the service knows it: a delivery the receiver took after the
        // service stopped waiting (the slow answers) arrives once and is still pending its next attempt.
        for (var i = 0; i < 80 && (Arrived().Count < expected.Count || await AnyPendingAsync()); i++)
        {
            _clock.Advance(step);
            step = TimeSpan.FromTicks(Math.Min(step.Ticks * 2, TimeSpan.FromMinutes(20).Ticks));
            await Task.Delay(150);
        }

        async Task<bool> AnyPendingAsync() =>
            (await (await Admin.GetAsync($"/api/webhooks/{hook["id"].Str()}/deliveries")).JsonArray()).Any(d => d!["status"].Str() != "delivered");

        HashSet<string> Arrived() => [.. _received.Select(r => JsonNode.Parse(r.Body)!).Select(b => $"{b["data"]!["leadId"].Str()}/{b["type"].Str()}")];
        Assert.Equal(expected.Order(), Arrived().Order());
        Assert.DoesNotContain(_received, r => r.Body.Contains("rolled-back-lead", StringComparison.Ordinal));
        foreach (var r in _received)
        {
            Assert.Equal(r.Signature, StandardWebhooks.Sign(secret, r.Id, long.Parse(r.Timestamp, System.Globalization.CultureInfo.InvariantCulture), r.Body));
            Assert.NotEqual(r.Signature, StandardWebhooks.Sign(secret, r.Id, long.Parse(r.Timestamp, System.Globalization.CultureInfo.InvariantCulture), r.Body.Insert(1, " ")));
        }

        // One id per event, however many attempts: the receiver counted at least four for each.
        Assert.All(_received.GroupBy(r => r.Id), g => Assert.Single(g.Select(r => r.Body).Distinct()));
        Assert.All(_received.Select(r => r.Id).Distinct(), id => Assert.True(_attempts[id] >= 4));
        var log = await (await Admin.GetAsync($"/api/webhooks/{hook["id"].Str()}/deliveries")).JsonArray();
        Assert.All(log, d => Assert.Equal("delivered", d!["status"].Str()));
        Assert.True(
            log.Any(d => d!["log"]!.AsArray().Any(a => a!["error"]?.GetValue<string>() == "no answer within 500 ms")),
            "no attempt logged the timeout; attempts per delivery: " + string.Join(" | ", log.Select(d => string.Join(", ",
                d!["log"]!.AsArray().Select(a => $"{a!["statusCode"]?.ToString() ?? "-"} {a["error"]?.ToString()} {a["milliseconds"]?.ToString()}ms")))) +
            "; receiver attempts: " + string.Join(", ", _attempts.Select(a => $"{a.Key[^4..]}={a.Value}")));
        Assert.All(log, d => Assert.Equal([500, 500, 500], d!["log"]!.AsArray().Take(3).Select(a => a!["statusCode"]!.GetValue<int>())));

        // Subscriptions per team and per rep: nothing for a team without these leads, a's three for a.
        Assert.Empty(await (await Admin.GetAsync($"/api/webhooks/{otherTeam["id"].Str()}/deliveries")).JsonArray());
        var forA = await (await Admin.GetAsync($"/api/webhooks/{repA["id"].Str()}/deliveries")).JsonArray();
        Assert.Equal(3, forA.Count);
        Assert.All(forA, d => Assert.Equal("lead.assigned", d!["type"].Str()));

        var goneNow = await (await Admin.GetAsync($"/api/webhooks/{gone["id"].Str()}")).Json();
        Assert.False(goneNow["enabled"]!.GetValue<bool>());
        Assert.StartsWith("answered 410 Gone", goneNow["disabledReason"].Str(), StringComparison.Ordinal);
        var goneLog = await (await Admin.GetAsync($"/api/webhooks/{gone["id"].Str()}/deliveries")).JsonArray();
        Assert.Single(goneLog, d => d!["lastStatusCode"]?.GetValue<int>() == 410); // one 410, then nothing more is sent there
        Assert.All(goneLog, d => Assert.Equal("disabled", d!["status"].Str()));

        // Sent again by hand: the same event, once more, under its own id; a disabled subscription's is refused.
        var again = log[0]!;
        var receivedBefore = _received.Count(r => r.Id == again["eventId"].Str());
        Assert.Equal(HttpStatusCode.Accepted, (await Admin.PostAsync($"/api/webhooks/{hook["id"].Str()}/deliveries/{again["id"]}/resend", null)).StatusCode);
        for (var i = 0; i < 100 && _received.Count(r => r.Id == again["eventId"].Str()) == receivedBefore; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }

        Assert.Equal(receivedBefore + 1, _received.Count(r => r.Id == again["eventId"].Str()));
        var resent = (await (await Admin.GetAsync($"/api/webhooks/{hook["id"].Str()}/deliveries")).JsonArray()).Single(d => d!["id"]!.ToString() == again["id"]!.ToString())!;
        Assert.Equal("delivered", resent["status"].Str());
        Assert.Equal(again["log"]!.AsArray().Count + 1, resent["log"]!.AsArray().Count);
        var refused = await Admin.PostAsync($"/api/webhooks/{gone["id"].Str()}/deliveries/{goneLog[0]!["id"]}/resend", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("410 Gone", (await refused.Json())["detail"].Str(), StringComparison.Ordinal);

        // A month later the handled events and their delivery logs are gone; nothing else is.
        _clock.Advance(TimeSpan.FromDays(31));
        var outboxLeft = -1;
        for (var i = 0; i < 100 && outboxLeft != 0; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
            await using var scope = Host.Services.CreateAsyncScope();
            outboxLeft = await scope.ServiceProvider.GetRequiredService<SwitchboardDb>().Outbox.CountAsync();
        }

        Assert.Equal(0, outboxLeft);
        Assert.Empty(await (await Admin.GetAsync($"/api/webhooks/{hook["id"].Str()}/deliveries")).JsonArray());
        Assert.Equal(6, (await Admin.AllLeads()).Count);
    }

    [Fact]
    public async Task Payload_CarriesTheLeadTheDecisionAndTheActor_MinusExcludedFields_SignedAsSent()
    {
        var url = _receiver!.Urls.First();
        var full = await Admin.PostOk("/api/webhooks", new { url = url + "/payload/full", events = new[] { "lead.assigned" } });
        var trimmed = await Admin.PostOk("/api/webhooks", new { url = url + "/payload/trimmed", events = new[] { "lead.assigned" }, excludeFields = new[] { "email", "company.name" } });
        Assert.Equal(["email", "company.name"], trimmed["webhook"]!["excludeFields"]!.AsArray().Select(f => f.Str()));
        var unknown = await Admin.PostAsJsonAsync("/api/webhooks", new { url = url + "/payload/x", events = new[] { "*" }, excludeFields = new[] { "shoeSize" } });
        Assert.Contains("'shoeSize' is not a lead field", (await unknown.Json())["errors"]!["excludeFields[0]"]![0].Str(), StringComparison.Ordinal);

        var lead = await Admin.PostOk("/api/leads", new { email = "ida@bigco.com", country = "US", company = new { name = "BigCo", employees = 5000 } });
        for (var i = 0; i < 50 && _payloads.Count < 2; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(100);
        }

        var byName = _payloads.ToDictionary(p => p.Name);
        var body = JsonNode.Parse(byName["full"].Body)!;
        Assert.Equal(("lead.assigned", 1), (body["type"].Str(), body["version"]!.GetValue<int>()));
        var data = body["data"]!;
        Assert.Equal((lead["id"].Str(), "a", "system"), (data["leadId"].Str(), data["repId"].Str(), data["actor"].Str()));
        Assert.Equal(("assigned", "a", "ida@bigco.com", "BigCo", "US"),
            (data["lead"]!["status"].Str(), data["lead"]!["ownerRepId"].Str(), data["lead"]!["email"].Str(), data["lead"]!["company"]!["name"].Str(), data["lead"]!["country"].Str()));
        Assert.Equal(("assigned", "main", "round-robin", "a"),
            (data["decision"]!["kind"].Str(), data["decision"]!["rule"].Str(), data["decision"]!["strategy"].Str(), data["decision"]!["repId"].Str()));
        Assert.Contains("round-robin", data["decision"]!["explanation"].Str(), StringComparison.Ordinal);

        var cut = JsonNode.Parse(byName["trimmed"].Body)!["data"]!["lead"]!.AsObject();
        Assert.False(cut.ContainsKey("email"));
        Assert.False(cut["company"]!.AsObject().ContainsKey("name"));
        Assert.Equal(5000, cut["company"]!["employees"]!.GetValue<int>());
        foreach (var (p, secret) in new[] { (byName["full"], full["secret"].Str()), (byName["trimmed"], trimmed["secret"].Str()) })
        {
            Assert.Equal(p.Signature, StandardWebhooks.Sign(secret, p.Id, long.Parse(p.Timestamp, System.Globalization.CultureInfo.InvariantCulture), p.Body));
        }
    }
}

public sealed class SqliteWebhookTests() : WebhookTests(new SqliteDatabase());

public sealed class PostgresWebhookTests() : WebhookTests(new PostgresDatabase());

/// <summary>Without the switch, webhook targets on loopback and private networks are refused (SSRF).</summary>
public sealed class WebhookTargetTests() : HostedTests(new SqliteDatabase())
{
    [Theory]
    [InlineData("http://127.0.0.1:8080/hook", "loopback or private address (127.0.0.1: loopback)")]
    [InlineData("http://10.1.2.3/hook", "loopback or private address (10.1.2.3: private)")]
    [InlineData("http://[::1]/hook", "loopback or private address (::1: loopback)")]
    [InlineData("http://169.254.169.254/latest/meta-data", "loopback or private address (169.254.169.254: link-local)")]
    [InlineData("http://[::ffff:127.0.0.1]/hook", "IPv4-mapped, loopback")]
    [InlineData("http://[::127.0.0.1]/hook", "IPv4-compatible")]
    [InlineData("http://[0:0:0:0:0:0:0:1]/hook", "(::1: loopback)")]
    [InlineData("http://[64:ff9b::a00:1]/hook", "NAT64 of private")]
    [InlineData("http://[2002:7f00:1::1]/hook", "6to4 of loopback")]
    [InlineData("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook", "Teredo")]
    [InlineData("http://[ff02::1]/hook", "multicast")]
    [InlineData("http://224.0.0.1/hook", "multicast")]
    [InlineData("http://255.255.255.255/hook", "broadcast")]
    [InlineData("http://198.18.0.1/hook", "benchmarking")]
    [InlineData("http://2130706433/hook", "loopback")] // 127.0.0.1 written as one number
    [InlineData("http://0x7f.1/hook", "loopback")]
    [InlineData("ftp://example.com/hook", "an absolute http or https URL is required")]
    public async Task PrivateTargets_Refused(string url, string reason)
    {
        var response = await Admin.PostAsJsonAsync("/api/webhooks", new { url, events = new[] { "*" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, (await response.Json())["errors"]!["url"]![0].Str(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.1.2.3", "this network")]
    [InlineData("100.64.0.1", "shared address space")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.0.0.8", "IETF protocol assignments")]
    [InlineData("192.0.2.1", "documentation")]
    [InlineData("203.0.113.9", "documentation")]
    [InlineData("192.88.99.1", "6to4 relay")]
    [InlineData("240.0.0.1", "reserved")]
    [InlineData("::", "unspecified")]
    [InlineData("fc00::1", "unique local")]
    [InlineData("fe80::1%2", "link-local")]
    [InlineData("fec0::1", "site-local")]
    [InlineData("2001:db8::1", "documentation")]
    [InlineData("3fff::1", "documentation")]
    [InlineData("64:ff9b:1::1", "local-use NAT64")]
    [InlineData("100::1", "not global unicast")]
    [InlineData("8.8.8.8", null)]
    [InlineData("172.32.0.1", null)]
    [InlineData("2606:4700:4700::1111", null)]
    [InlineData("::ffff:1.1.1.1", null)]
    [InlineData("64:ff9b::808:808", null)] // NAT64 of 8.8.8.8
    public void EveryAddress_ClassifiedByItsRange(string address, string? range)
    {
        Assert.Equal(range, StandardWebhooks.NotPublic(System.Net.IPAddress.Parse(address)));
    }

    [Fact]
    public async Task AtConnectTime_ANameThatResolvesInside_ReachesNothing()
    {
        // What DNS rebinding leaves behind: a subscription checked earlier, a name that now points at
        // loopback. The webhook client itself refuses to dial it.
        using var client = new HttpClient(StandardWebhooks.Handler(allowPrivate: false));

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri(Host.BaseAddress, "/healthz").ToString().Replace("127.0.0.1", "localhost", StringComparison.Ordinal)));

        Assert.Contains("resolves only to addresses that are not public", e.Message, StringComparison.Ordinal);
        using var allowed = new HttpClient(StandardWebhooks.Handler(allowPrivate: true));
        Assert.True((await allowed.GetAsync(new Uri(Host.BaseAddress, "/healthz"))).IsSuccessStatusCode);
    }
}
