using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Capture;

namespace Switchboard.Benchmarks;

/// <summary>
/// Pool claims at N concurrent reps: <c>POST /api/pools/{id}/claims</c> (claim the oldest waiting lead)
/// on the service with a SQLite file, against the bare claim statement (one conditional UPDATE of the
/// oldest pooled row) run by the same number of clients on their own connections, in the same run. The
/// service is warmed by half as many claims again before it is measured.
/// </summary>
public static class ClaimHarness
{
    public static async Task<int> RunAsync(int leads, int clients)
    {
        var folder = Path.Combine(Path.GetTempPath(), "switchboard-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var bare = await BareAsync(Path.Combine(folder, "raw.db"), leads, clients);
        var service = await ServiceAsync(Path.Combine(folder, "service.db"), leads, clients);

        var c = CultureInfo.InvariantCulture;
        Console.WriteLine("| leads | clients | bare claim UPDATE (claims/s) | p50 / p99 ms | POST /claims (claims/s) | p50 / p99 ms | ratio |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(string.Format(c, "| {0} | {1} | {2:0} | {3:0.00} / {4:0.00} | {5:0} | {6:0.0} / {7:0.0} | {8:0.00}x |",
            leads, clients, bare.PerSecond, bare.P50, bare.P99, service.PerSecond, service.P50, service.P99, service.PerSecond / bare.PerSecond));
        Directory.Delete(folder, recursive: true);
        return 0;
    }

    private sealed record Result(double PerSecond, double P50, double P99);

    private static Result Summarize(int claims, TimeSpan elapsed, List<double> latencies)
    {
        latencies.Sort();
        return new Result(claims / elapsed.TotalSeconds, latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.99)]);
    }

    private static async Task<Result> BareAsync(string file, int leads, int clients)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = file, Pooling = true, DefaultTimeout = 30 }.ToString();
        await using (var setup = new SqliteConnection(connectionString))
        {
            await setup.OpenAsync();
            await using var cmd = setup.CreateCommand();
            cmd.CommandText = """
                PRAGMA journal_mode=WAL;
                CREATE TABLE leads (id TEXT PRIMARY KEY, pool_id TEXT, status TEXT NOT NULL, owner_rep_id TEXT, pooled_at INTEGER, assigned_at INTEGER);
                CREATE INDEX leads_pool ON leads(pool_id, status, pooled_at);
                """;
            await cmd.ExecuteNonQueryAsync();
            await using var tx = setup.BeginTransaction();
            await using var insert = setup.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO leads VALUES ($id, 'bench', 'pooled', NULL, $at, NULL)";
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            var at = insert.Parameters.Add("$at", SqliteType.Integer);
            for (var i = 0; i < leads; i++)
            {
                id.Value = Guid.CreateVersion7().ToString();
                at.Value = i;
                await insert.ExecuteNonQueryAsync();
            }

            await tx.CommitAsync();
        }

        var latencies = new List<double>();
        var claims = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync();
            await using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
                await pragma.ExecuteNonQueryAsync();
            }

            await using var claim = connection.CreateCommand();
            claim.CommandText = """
                UPDATE leads SET status = 'assigned', owner_rep_id = $rep, pool_id = NULL, assigned_at = $now
                WHERE id = (SELECT id FROM leads WHERE pool_id = 'bench' AND status = 'pooled' ORDER BY pooled_at, id LIMIT 1) AND status = 'pooled'
                """;
            claim.Parameters.AddWithValue("$rep", $"rep-{c}");
            var now = claim.Parameters.Add("$now", SqliteType.Integer);
            var mine = new List<double>();
            while (true)
            {
                var started = Stopwatch.GetTimestamp();
                now.Value = started;
                var won = await claim.ExecuteNonQueryAsync() == 1;
                if (!won)
                {
                    break; // the statement takes the oldest pooled row inside one write, so 0 means none is left
                }

                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Interlocked.Increment(ref claims);
            }

            lock (latencies)
            {
                latencies.AddRange(mine);
            }
        })));
        return Summarize(claims, watch.Elapsed, latencies);
    }

    private static async Task<Result> ServiceAsync(string file, int leads, int clients)
    {
        await using var app = await LoadHarness.StartServiceAsync(file);
        var baseAddress = new Uri(app.Urls.First());
        using var admin = LoadHarness.Client(baseAddress);
        (await admin.PostAsJsonAsync("/api/teams", new { id = "claimers", name = "Claimers" })).EnsureSuccessStatusCode();
        var keys = new List<string>();
        for (var i = 0; i < clients; i++)
        {
            (await admin.PostAsJsonAsync("/api/reps", new { id = $"claimer-{i}", name = $"Claimer {i}", teamIds = new[] { "claimers" } })).EnsureSuccessStatusCode();
            var key = await (await admin.PostAsJsonAsync("/api/keys", new { name = $"claimer-{i}", role = "rep", repId = $"claimer-{i}" })).Content.ReadFromJsonAsync<JsonObject>();
            keys.Add(key!["key"]!.GetValue<string>());
        }

        (await admin.PostAsJsonAsync("/api/pools", new { id = "bench", name = "Bench", mode = "blind", memberTeamIds = new[] { "claimers" } })).EnsureSuccessStatusCode();
        using (var flow = new StringContent("rules:\n  - name: all\n    assign: { to: { pool: bench } }\nfallback: { pool: unassigned }\n", System.Text.Encoding.UTF8, "application/yaml"))
        {
            (await admin.PutAsync("/api/routing/flow", flow)).EnsureSuccessStatusCode();
        }

        // Half as many again, claimed first without measuring: the JIT's tiers settle before the clock starts.
        var warmUp = leads / 2;
        var csv = "email\n" + string.Join("\n", Enumerable.Range(0, leads + warmUp).Select(i => $"claim-{i}@bench.example"));
        await using (var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)))
        {
            await app.Services.GetRequiredService<CsvImport>().RunAsync(stream, new Dictionary<string, string>(), "bench", "by the claim benchmark");
        }

        var warmed = 0;
        await Task.WhenAll(keys.Select(key => Task.Run(async () =>
        {
            using var client = LoadHarness.Client(baseAddress, key);
            while (Interlocked.Increment(ref warmed) <= warmUp)
            {
                using var response = await client.PostAsync("/api/pools/bench/claims", null);
            }
        })));

        var latencies = new List<double>();
        var claims = 0;
        var snapshots = app.Services.GetRequiredService<Switchboard.Distribution.RoutingSnapshots>();
        var loads = snapshots.Loads;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(keys.Select(key => Task.Run(async () =>
        {
            using var client = LoadHarness.Client(baseAddress, key);
            var mine = new List<double>();
            while (true)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync("/api/pools/bench/claims", null);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    break; // nothing left to claim
                }

                if (response.StatusCode == HttpStatusCode.OK)
                {
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    Interlocked.Increment(ref claims);
                }
                else if (response.StatusCode != HttpStatusCode.Conflict)
                {
                    throw new InvalidOperationException($"claim answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }

            lock (latencies)
            {
                latencies.AddRange(mine);
            }
        })));
        var result = Summarize(claims, watch.Elapsed, latencies);
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "routing snapshot loads during the claims: {0}", snapshots.Loads - loads));
        await app.StopAsync();
        return result;
    }
}
