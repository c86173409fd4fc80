using Switchboard.Routing.Lifecycle;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Storage;

namespace Switchboard.Tests.Api;

/// <summary>
/// 64 reps claim from 2,000 pooled leads at once over HTTP, against two service instances on one database.
/// The invariants are checked from the client side: no lead won twice, the stored owner is the one who got
/// the 2xx, every lead still pooled or claimed, no 5xx. The same harness must catch a naive
/// select-then-update claim (kept below as the control).
/// </summary>
public abstract class PoolClaimRaceTests(TestDatabase database) : HostedTests(database)
{
    private const int LeadCount = 2000;
    private const int Claimers = 64;
    private const int AttemptsEach = 60;
    private const int Window = 32; // all claimers aim at the same 32 leads at each step: heavy contention

    private readonly List<string> _leadIds = [];
    private readonly List<string> _keys = [];

    private sealed record Attempt(string LeadId, string RepId, int Status);

    protected override async Task SetUpAsync()
    {
        await Admin.PostOk("/api/teams", new { id = "sdr", name = "SDR" });
        for (var i = 0; i < Claimers; i++)
        {
            var repId = $"r{i:00}";
            await Admin.PostOk("/api/reps", new { id = repId, name = repId, teamIds = new[] { "sdr" } });
            _keys.Add(await Admin.NewKey(new { name = repId, role = "rep", repId }));
        }

        await Admin.PostOk("/api/pools", new { id = "race", name = "Race", mode = "blind", memberTeamIds = new[] { "sdr" } });
        await Admin.PutFlow("rules:\n  - name: all\n    assign: { to: { pool: race } }\nfallback: { pool: unassigned }\n");
        var csv = "email\n" + string.Join("\n", Enumerable.Range(0, LeadCount).Select(i => $"lead{i}@race.example"));
        var imported = await Admin.PostAsync("/api/imports", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var leads = await Admin.AllLeads();
        Assert.Equal(LeadCount, leads.Count(l => l["status"].Str() == "pooled"));
        _leadIds.AddRange(leads.OrderBy(l => l["email"].Str(), StringComparer.Ordinal).Select(l => l["id"].Str()));
    }

    [Fact]
    public async Task SixtyFourRepsClaimingAtOnce_EachLeadHasExactlyOneOwner()
    {
        await using var second = await ServiceHost.StartAsync(Host.Db);
        var clients = _keys.Select((key, i) => (i % 2 == 0 ? Host : second).Client(key)).ToList();
        var log = await RunAsync(async (claimer, leadId) =>
        {
            var response = await clients[claimer].PostAsJsonAsync("/api/pools/race/claims", new { leadId });
            return (int)response.StatusCode;
        });

        Assert.Empty(await ViolationsAsync(log));
        Assert.All(log, a => Assert.True(a.Status is 200 or 409, $"{a.RepId} claiming {a.LeadId}: {a.Status}"));
        Assert.Contains(log, a => a.Status == 409); // there was a race to lose
        foreach (var c in clients)
        {
            c.Dispose();
        }
    }

    [Fact]
    public async Task TheHarnessCatchesANaiveSelectThenUpdateClaim()
    {
        var log = await RunAsync((claimer, leadId) => NaiveClaimAsync(leadId, $"r{claimer:00}"));

        var violations = await ViolationsAsync(log);
        Assert.Contains(violations, v => v.Contains(" won by ", StringComparison.Ordinal)); // two 2xx for one lead
    }

    /// <summary>The control: reads, then writes without checking that the lead is still there to take.</summary>
    private async Task<int> NaiveClaimAsync(string leadId, string repId)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        if (!await db.Leads.AsNoTracking().AnyAsync(l => l.Id == leadId && l.Status == LeadStatus.Pooled))
        {
            return 409;
        }

        await Task.Yield();
        await db.Leads.Where(l => l.Id == leadId).ExecuteUpdateAsync(u => u
            .SetProperty(l => l.Status, LeadStatus.Assigned)
            .SetProperty(l => l.OwnerRepId, repId)
            .SetProperty(l => l.PoolId, (string?)null));
        return 200;
    }

    private async Task<List<Attempt>> RunAsync(Func<int, string, Task<int>> claim)
    {
        var log = new ConcurrentBag<Attempt>();
        using var start = new SemaphoreSlim(0);
        var claimers = Enumerable.Range(0, Claimers).Select(claimer => Task.Run(async () =>
        {
            var random = new Random(claimer);
            await start.WaitAsync();
            for (var step = 0; step < AttemptsEach; step++)
            {
                var leadId = _leadIds[((step * Window) + random.Next(Window)) % LeadCount];
                log.Add(new Attempt(leadId, $"r{claimer:00}", await claim(claimer, leadId)));
            }
        })).ToList();
        start.Release(Claimers);
        await Task.WhenAll(claimers);
        return [.. log];
    }

    /// <summary>Everything the client-side log and the stored leads must agree on; empty when all holds.</summary>
    private async Task<List<string>> ViolationsAsync(List<Attempt> log)
    {
        var violations = new List<string>();
        violations.AddRange(log.Where(a => a.Status >= 500).Select(a => $"{a.RepId} claiming {a.LeadId}: {a.Status}"));
        var wins = log.Where(a => a.Status is >= 200 and < 300).GroupBy(a => a.LeadId).ToList();
        violations.AddRange(wins.Where(g => g.Count() > 1).Select(g => $"lead {g.Key} won by {string.Join(", ", g.Select(a => a.RepId))}"));

        var stored = (await Admin.AllLeads()).ToDictionary(l => l["id"].Str());
        foreach (var win in wins)
        {
            var owner = stored[win.Key]["ownerRepId"]?.GetValue<string>();
            if (owner != win.Last().RepId && win.Count() == 1)
            {
                violations.Add($"lead {win.Key}: claimed by {win.Last().RepId}, stored owner {owner}");
            }
        }

        var pooled = stored.Values.Count(l => l["status"].Str() == "pooled");
        var claimed = stored.Values.Count(l => l["status"].Str() == "assigned");
        if (pooled + claimed != LeadCount || stored.Count != LeadCount)
        {
            violations.Add($"{pooled} pooled + {claimed} claimed of {stored.Count} stored, not {LeadCount}");
        }

        if (claimed != wins.Count)
        {
            violations.Add($"{claimed} leads stored as claimed, {wins.Count} won according to the clients");
        }

        return violations;
    }
}

public sealed class SqlitePoolClaimRaceTests() : PoolClaimRaceTests(new SqliteDatabase());

public sealed class PostgresPoolClaimRaceTests() : PoolClaimRaceTests(new PostgresDatabase());
