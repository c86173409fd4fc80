using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace Switchboard.Tests.Api;

/// <summary>
/// The real executable, killed with SIGKILL while clients are posting: every lead that got a 201
/// must be there after a restart (SQLite in WAL with synchronous=FULL).
/// </summary>
public sealed class CrashTests
{
    [Fact]
    public async Task KillDashNine_WhilePosting_EveryAcknowledgedLeadSurvivesRestart()
    {
        var db = Path.Combine(Path.GetTempPath(), "switchboard-tests", $"crash-{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);
        var port = ServiceProcess.FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        using var admin = new HttpClient { BaseAddress = baseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceHost.AdminKey);

        var service = await ServiceProcess.StartAsync(db, port, admin);
        await admin.PostOk("/api/teams", new { id = "sdr", name = "SDR" });
        await admin.PostOk("/api/reps", new { id = "a", name = "A", teamIds = new[] { "sdr" } });
        await admin.PostOk("/api/reps", new { id = "b", name = "B", teamIds = new[] { "sdr" } });
        await admin.PutFlow("rules:\n  - name: main\n    assign: { to: { team: sdr }, strategy: round-robin }\nfallback: { pool: unassigned }\n");

        var acknowledged = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceHost.AdminKey);
            for (var i = 0; !stop.IsCancellationRequested && i < 100_000; i++)
            {
                try
                {
                    var response = await client.PostAsJsonAsync("/api/leads", new { email = $"crash-{c}-{i}@example.com" });
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        acknowledged.Add((await response.Json())["id"].Str());
                    }
                }
                catch (HttpRequestException)
                {
                    return; // the service is gone
                }
                catch (TaskCanceledException)
                {
                    return;
                }
            }
        })).ToList();

        // Let load build up, then kill the process without warning.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (acknowledged.Count < 150)
        {
            Assert.False(clients.All(t => t.IsCompleted), "the clients stopped before 150 leads were acknowledged");
            Assert.True(DateTime.UtcNow < deadline, $"only {acknowledged.Count} leads acknowledged in 60 s");
            await Task.Delay(20);
        }

        service.Kill(entireProcessTree: true);
        await service.WaitForExitAsync();
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        var restarted = await ServiceProcess.StartAsync(db, port, admin);
        try
        {
            var missing = new List<string>();
            foreach (var id in acknowledged)
            {
                if ((await admin.GetAsync($"/api/leads/{id}")).StatusCode != HttpStatusCode.OK)
                {
                    missing.Add(id);
                }
            }

            Assert.True(acknowledged.Count >= 150);
            Assert.Empty(missing);
        }
        finally
        {
            restarted.Kill(entireProcessTree: true);
            await restarted.WaitForExitAsync();
            new SqliteDatabase().Delete($"Data Source={db}");
        }
    }

    /// <summary>
    /// 500 leads with SLA deadlines ten seconds out (the import itself must end first, also on a busy
    /// machine); the service is killed with SIGKILL just as they fall
    /// due. After a restart every deadline has fired exactly once: one breach and one escalation per lead.
    /// </summary>
    [Fact]
    public async Task KillDashNine_WhileDeadlinesFallDue_EachFiresOnceAfterRestart()
    {
        var db = Path.Combine(Path.GetTempPath(), "switchboard-tests", $"crash-sla-{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);
        var port = ServiceProcess.FreePort();
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceHost.AdminKey);

        var service = await ServiceProcess.StartAsync(db, port, admin);
        await admin.PostOk("/api/teams", new { id = "sdr", name = "SDR" });
        await admin.PostOk("/api/reps", new { id = "a", name = "A", teamIds = new[] { "sdr" } });
        await admin.PostOk("/api/reps", new { id = "b", name = "B", teamIds = new[] { "sdr" } });
        await admin.PutFlow("rules:\n  - name: main\n    assign: { to: { team: sdr }, strategy: round-robin }\n    sla: { acceptWithin: 10s, onBreach: escalate }\nfallback: { pool: unassigned }\n");
        var csv = "email\n" + string.Join("\n", Enumerable.Range(0, 500).Select(i => $"due{i}@example.com"));
        var imported = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/imports", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"))).StatusCode);
        var leads = await admin.AllLeads();
        Assert.Equal(500, leads.Count(l => l["acceptDueAt"] is not null));

        // Kill just after the first deadlines pass, while the clock is working through them.
        var due = leads.Min(l => l["acceptDueAt"]!.GetValue<DateTimeOffset>());
        await Task.Delay(due - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(300));
        service.Kill(entireProcessTree: true);
        var killedAt = DateTimeOffset.UtcNow;
        await service.WaitForExitAsync();

        var restarted = await ServiceProcess.StartAsync(db, port, admin);
        try
        {
            var breaches = new Dictionary<string, (int Breached, int Escalated)>();
            var breachTimes = new List<DateTimeOffset>();
            for (var attempt = 0; attempt < 100; attempt++)
            {
                breaches.Clear();
                breachTimes.Clear();
                foreach (var id in leads.Select(l => l["id"].Str()))
                {
                    var events = (await (await admin.GetAsync($"/api/leads/{id}")).Json())["timeline"]!.AsArray();
                    var timeline = events.Select(e => e!["type"].Str()).ToList();
                    breaches[id] = (timeline.Count(t => t == "sla_breached"), timeline.Count(t => t == "escalated"));
                    breachTimes.AddRange(events.Where(e => e!["type"].Str() == "sla_breached").Select(e => e!["at"]!.GetValue<DateTimeOffset>()));
                }

                if (breaches.Values.All(b => b.Breached >= 1))
                {
                    break;
                }

                await Task.Delay(200);
            }

            Assert.All(breaches, b => Assert.Equal((1, 1), b.Value));
            var before = breachTimes.Count(t => t < killedAt);
            Assert.True(before < 500, $"all 500 deadlines fired before the kill; it should land while they are still running");
        }
        finally
        {
            restarted.Kill(entireProcessTree: true);
            await restarted.WaitForExitAsync();
            new SqliteDatabase().Delete($"Data Source={db}");
        }
    }
}
