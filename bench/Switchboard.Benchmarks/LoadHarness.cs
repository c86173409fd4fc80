using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Switchboard.Benchmarks;

/// <summary>
/// Load on <c>POST /api/leads</c> through real HTTP against the real service on a fresh SQLite file,
/// compared with a raw Microsoft.Data.Sqlite insert of the same rows (one durable transaction per
/// row, same number of concurrent writers) measured in the same run.
/// </summary>
public static class LoadHarness
{
    private const string AdminKey = "bench-admin-key-0123456789abcdef";

    public static async Task<int> RunAsync(int leads, int clients)
    {
        var folder = Path.Combine(Path.GetTempPath(), "switchboard-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var rows = Enumerable.Range(0, leads).Select(i => new
        {
            email = $"lead-{i}@example{i % 97}.com",
            firstName = $"First{i}",
            lastName = $"Last{i}",
            source = i % 3 == 0 ? "web" : "ads",
            country = i % 2 == 0 ? "US" : "DE",
            company = new { name = $"Company {i % 500}", employees = i % 5000 },
        }).ToList();

        var baseline = await RawInsertAsync(Path.Combine(folder, "raw.db"), rows.Select(r => (r.email, r.firstName, r.lastName, r.source, r.country, r.company.name, r.company.employees)).ToList(), clients);
        var (service, p50, p99) = await ServiceAsync(Path.Combine(folder, "service.db"), rows.Cast<object>().ToList(), clients);

        var c = CultureInfo.InvariantCulture;
        Console.WriteLine($"| leads | clients | raw Microsoft.Data.Sqlite insert (rows/s) | POST /api/leads (leads/s) | ratio | p50 ms | p99 ms |");
        Console.WriteLine($"|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Format(c, "| {0} | {1} | {2:0} | {3:0} | {4:0.00}x | {5:0.0} | {6:0.0} |", leads, clients, baseline, service, service / baseline, p50, p99));
        Directory.Delete(folder, recursive: true);
        return 0;
    }

    private static async Task<double> RawInsertAsync(string file, List<(string Email, string First, string Last, string Source, string Country, string Company, int Employees)> rows, int clients)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = file, Pooling = true, DefaultTimeout = 30 }.ToString();
        await using (var setup = new SqliteConnection(connectionString))
        {
            await setup.OpenAsync();
            await using var cmd = setup.CreateCommand();
            cmd.CommandText = """
                PRAGMA journal_mode=WAL;
                CREATE TABLE leads (id TEXT PRIMARY KEY, email TEXT, first_name TEXT, last_name TEXT, source TEXT, country TEXT,
                    company_name TEXT, company_employees INTEGER, status TEXT NOT NULL, created_at INTEGER NOT NULL);
                """;
            await cmd.ExecuteNonQueryAsync();
        }

        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync();
            await using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
                await pragma.ExecuteNonQueryAsync();
            }

            int i;
            while ((i = Interlocked.Increment(ref next)) < rows.Count)
            {
                var r = rows[i];
                await using var tx = connection.BeginTransaction();
                await using var insert = connection.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = "INSERT INTO leads VALUES ($id, $email, $first, $last, $source, $country, $company, $employees, 'new', $at)";
                insert.Parameters.AddWithValue("$id", Guid.CreateVersion7().ToString());
                insert.Parameters.AddWithValue("$email", r.Email);
                insert.Parameters.AddWithValue("$first", r.First);
                insert.Parameters.AddWithValue("$last", r.Last);
                insert.Parameters.AddWithValue("$source", r.Source);
                insert.Parameters.AddWithValue("$country", r.Country);
                insert.Parameters.AddWithValue("$company", r.Company);
                insert.Parameters.AddWithValue("$employees", r.Employees);
                insert.Parameters.AddWithValue("$at", Stopwatch.GetTimestamp());
                await insert.ExecuteNonQueryAsync();
                await tx.CommitAsync();
            }
        })));
        return rows.Count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The service on a fresh SQLite file with the benchmarks' routing set-up: a 10-rep team (weights 1-3)
    /// and a two-rule flow (load-balanced for big US/CA companies, weighted rotation for the rest).
    /// </summary>
    public static async Task<WebApplication> StartServiceAsync(string file)
    {
        var app = await SwitchboardApp.CreateAsync(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration["DB"] = file;
            b.Configuration["ADMIN_KEY"] = AdminKey;
            b.Configuration["RATE_LIMIT_PER_KEY"] = "0"; // a load test is one key sending as fast as it can
            b.Configuration["RATE_LIMIT_PER_ADDRESS"] = "0";
            b.Logging.ClearProviders();
        }, TextWriter.Null);
        await app.StartAsync();
        using var admin = Client(new Uri(app.Urls.First()));
        (await admin.PostAsJsonAsync("/api/teams", new { id = "sdr", name = "SDR" })).EnsureSuccessStatusCode();
        for (var i = 0; i < 10; i++)
        {
            (await admin.PostAsJsonAsync("/api/reps", new { id = $"rep-{i}", name = $"Rep {i}", teamIds = new[] { "sdr" }, weight = 1 + (i % 3) })).EnsureSuccessStatusCode();
        }

        using var flow = new StringContent(
            "rules:\n  - name: enterprise\n    when: company.employees >= 4000 and country in ['US', 'CA']\n    assign: { to: { team: sdr }, strategy: load-balanced }\n  - name: everyone\n    assign: { to: { team: sdr }, strategy: weighted-round-robin }\nfallback: { pool: unassigned }\n",
            System.Text.Encoding.UTF8, "application/yaml");
        (await admin.PutAsync("/api/routing/flow", flow)).EnsureSuccessStatusCode();
        return app;
    }

    private static async Task<(double PerSecond, double P50, double P99)> ServiceAsync(string file, List<object> rows, int clients)
    {
        await using var app = await StartServiceAsync(file);
        var baseAddress = new Uri(app.Urls.First());
        using var admin = Client(baseAddress);

        for (var i = 0; i < 50; i++)
        {
            (await admin.PostAsJsonAsync("/api/leads", new { email = $"warmup-{i}@example.com" })).EnsureSuccessStatusCode();
        }

        var latencies = new double[rows.Count];
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            using var client = Client(baseAddress);
            int i;
            while ((i = Interlocked.Increment(ref next)) < rows.Count)
            {
                var started = Stopwatch.GetTimestamp();
                var response = await client.PostAsJsonAsync("/api/leads", rows[i]);
                response.EnsureSuccessStatusCode();
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        })));
        var perSecond = rows.Count / watch.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        await app.StopAsync();
        return (perSecond, latencies[latencies.Length / 2], latencies[(int)(latencies.Length * 0.99)]);
    }

    public static HttpClient Client(Uri baseAddress, string key = AdminKey)
    {
        var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
