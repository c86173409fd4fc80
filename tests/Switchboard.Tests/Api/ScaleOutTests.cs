using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Switchboard.Tests.Api;

/// <summary>
/// Three instances of the real executable on one PostgreSQL database, loaded at once by clients spread
/// over them, and one killed with SIGKILL under load. Checked from the outside afterwards: every
/// acknowledged lead is there once; each team's rotation is even to one lead; no rep passes a cap; each
/// pooled lead has one owner however many reps claim it at once on different instances; each SLA deadline
/// fires exactly once; every lead's webhook arrives.
/// </summary>
public sealed class ScaleOutTests
{
    private const int CapPerDay = 8;

    [Fact]
    public async Task ThreeInstances_OneKilledUnderLoad_RotationCapsClaimsDeadlinesAndWebhooksHold()
    {
        var database = new PostgresDatabase();
        var db = await database.CreateAsync();
        var received = new ConcurrentBag<(string LeadId, string Type)>();
        await using var receiver = await ReceiverAsync(received);
        var processes = new List<Process>();
        try
        {
            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var settings = new Dictionary<string, string> { ["WEBHOOKS_ALLOW_PRIVATE"] = "true", ["WEBHOOK_TIMEOUT_MS"] = "500", ["CLOCK_MS"] = "200" };
            var bases = new List<Uri>();
            for (var i = 0; i < 3; i++)
            {
                // One after the other: the first applies the migrations.
                var port = ServiceProcess.FreePort();
                processes.Add(await ServiceProcess.StartAsync(db, port, probe, settings));
                bases.Add(new Uri($"http://127.0.0.1:{port}"));
            }

            var admins = bases.Select(b => Client(b, ServiceHost.AdminKey)).ToList();
            var admin = admins[0];
            foreach (var team in Teams)
            {
                await admin.PostOk("/api/teams", new { id = team, name = team });
                foreach (var r in new[] { "a", "b", "c" })
                {
                    await admin.PostOk("/api/reps", team == "t3"
                        ? new { id = $"{team}-{r}", name = $"{team} {r}", teamIds = new[] { team }, caps = new { perDay = CapPerDay } }
                        : (object)new { id = $"{team}-{r}", name = $"{team} {r}", teamIds = new[] { team } });
                }
            }

            await admin.PostOk("/api/pools", new { id = "overflow", name = "Overflow", mode = "cherry-pick", memberTeamIds = new[] { "t1" } });
            await admin.PostOk("/api/webhooks", new { url = receiver.Urls.First() + "/hook", events = new[] { "lead.created" } });
            await admin.PutFlow(
                "rules:\n" +
                "  - name: us\n    when: country in ['US']\n    assign: { to: { team: t1 }, strategy: round-robin }\n" +
                "  - name: de\n    when: country in ['DE']\n    assign: { to: { team: t2 }, strategy: round-robin }\n    sla: { acceptWithin: 5s, onBreach: escalate }\n" +
                "  - name: fr\n    when: country in ['FR']\n    assign: { to: { team: t3 }, strategy: round-robin }\n    whenNoneEligible: fallback\n" +
                "fallback: { pool: overflow }\n");

            // Twelve clients, each sending to every instance in turn; the third instance dies a third of the way in.
            var acknowledged = new ConcurrentDictionary<string, string>();
            var killed = 0;
            var sent = 0;
            await Task.WhenAll(Enumerable.Range(0, 12).Select(c => Task.Run(async () =>
            {
                var clients = bases.Select(b => Client(b, ServiceHost.AdminKey)).ToList();
                for (var i = 0; acknowledged.Count < 450; i++)
                {
                    var target = (c + i) % 3;
                    if (target == 2 && Volatile.Read(ref killed) == 1)
                    {
                        continue;
                    }

                    var n = Interlocked.Increment(ref sent);
                    var email = $"lead{n}@scale{n % 97}.example";
                    try
                    {
                        var response = await clients[target].PostAsJsonAsync("/api/leads", new { email, country = Countries[n % 3] });
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            acknowledged[(await response.Json())["id"].Str()] = email;
                        }
                    }
                    catch (Exception e) when (target == 2 && e is HttpRequestException or TaskCanceledException)
                    {
                        // The killed instance: this lead may or may not have committed.
                    }

                    if (acknowledged.Count >= 150 && Interlocked.CompareExchange(ref killed, 1, 0) == 0)
                    {
                        processes[2].Kill(entireProcessTree: true);
                    }
                }
            })));
            Assert.Equal(1, killed);

            var leads = await admin.AllLeads();
            var emails = leads.GroupBy(l => l["email"].Str()).ToDictionary(g => g.Key, g => g.Count());
            Assert.All(acknowledged, a => Assert.Equal(1, emails.GetValueOrDefault(a.Value)));
            Assert.All(emails, e => Assert.Equal(1, e.Value));

            // Rotation: each team's reps within one lead of each other; the capped team's reps exactly at their cap.
            int[] Counts(string country, string team) =>
                [.. new[] { "a", "b", "c" }.Select(r => leads.Count(l => l["country"].Str() == country && l["ownerRepId"]?.GetValue<string>() == $"{team}-{r}"))];
            foreach (var (country, team) in new[] { ("US", "t1"), ("DE", "t2") })
            {
                var counts = Counts(country, team);
                Assert.True(counts.Max() - counts.Min() <= 1, $"team {team}: {string.Join(", ", counts)}");
                Assert.Equal(leads.Count(l => l["country"].Str() == country), counts.Sum());
            }

            Assert.Equal([CapPerDay, CapPerDay, CapPerDay], Counts("FR", "t3"));
            var pooled = leads.Where(l => l["poolId"]?.GetValue<string>() == "overflow").Select(l => l["id"].Str()).ToList();
            Assert.Equal(leads.Count(l => l["country"].Str() == "FR") - (3 * CapPerDay), pooled.Count);

            // Claims: two reps race for each pooled lead through the two instances left; one wins each.
            var repA = Client(bases[0], await admin.NewKey(new { name = "t1-a", role = "rep", repId = "t1-a" }));
            var repB = Client(bases[1], await admin.NewKey(new { name = "t1-b", role = "rep", repId = "t1-b" }));
            var winners = new Dictionary<string, string>();
            foreach (var chunk in pooled.Chunk(8))
            {
                var claims = chunk.SelectMany(id => new[] { ("t1-a", repA, id), ("t1-b", repB, id) })
                    .Select(async x => (x.Item1, x.id, (await x.Item2.PostAsJsonAsync("/api/pools/overflow/claims", new { leadId = x.id })).StatusCode));
                foreach (var (rep, id, status) in await Task.WhenAll(claims))
                {
                    Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Conflict, $"claim of {id} by {rep}: {status}");
                    if (status == HttpStatusCode.OK)
                    {
                        Assert.True(winners.TryAdd(id, rep), $"{id} claimed twice");
                    }
                }
            }

            Assert.Equal(pooled.Order(), winners.Keys.Order());
            var after = (await admin.AllLeads()).ToDictionary(l => l["id"].Str());
            Assert.All(winners, w => Assert.Equal(w.Value, after[w.Key]["ownerRepId"].Str()));

            // Deadlines: every German lead's acceptance deadline fired exactly once, on one of the instances.
            var german = leads.Where(l => l["country"].Str() == "DE").Select(l => l["id"].Str()).ToList();
            var watch = Stopwatch.StartNew();
            Dictionary<string, (int Breached, int Escalated)> fired;
            do
            {
                await Task.Delay(500);
                fired = [];
                foreach (var id in german)
                {
                    var timeline = (await (await admin.GetAsync($"/api/leads/{id}")).Json())["timeline"]!.AsArray().Select(e => e!["type"].Str()).ToList();
                    fired[id] = (timeline.Count(t => t == "sla_breached"), timeline.Count(t => t == "escalated"));
                }
            }
            while (fired.Values.Any(f => f.Breached == 0) && watch.Elapsed < TimeSpan.FromSeconds(60));

            Assert.All(fired, f => Assert.Equal((1, 1), f.Value));

            // Webhooks: every lead's creation arrives, also those whose delivery the killed instance had begun.
            watch.Restart();
            while (leads.Any(l => !received.Contains((l["id"].Str(), "lead.created"))) && watch.Elapsed < TimeSpan.FromSeconds(75))
            {
                await Task.Delay(500);
            }

            Assert.All(leads, l => Assert.Contains((l["id"].Str(), "lead.created"), received));
        }
        finally
        {
            foreach (var p in processes.Where(p => !p.HasExited))
            {
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync();
            }

            database.Delete(db);
        }
    }

    private static readonly string[] Teams = ["t1", "t2", "t3"];
    private static readonly string[] Countries = ["US", "DE", "FR"];

    private static HttpClient Client(Uri baseAddress, string key)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(20) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task<WebApplication> ReceiverAsync(ConcurrentBag<(string LeadId, string Type)> received)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            var body = JsonNode.Parse(await new StreamReader(request.Body).ReadToEndAsync())!;
            received.Add((body["data"]!["leadId"].Str(), body["type"].Str()));
            return Results.Ok();
        });
        await app.StartAsync();
        return app;
    }
}
