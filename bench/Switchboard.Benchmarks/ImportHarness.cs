using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Switchboard.Capture;

namespace Switchboard.Benchmarks;

/// <summary>
/// CSV import with cleaning, duplicate checks, screening and routing (CsvImport, in process, on a fresh
/// SQLite file, or a fresh PostgreSQL database when a server is given) against a raw insert of the same
/// rows committed in the same batch size, measured in the same run; plus the working set while
/// importing, sampled every 50 ms.
/// </summary>
public static class ImportHarness
{
    /// <param name="postgres">A PostgreSQL server's connection string (no database): import into a fresh database there.</param>
    public static async Task<int> RunAsync(int rows, string? postgres = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "switchboard-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var csv = Path.Combine(folder, "leads.csv");
        await WriteCsvAsync(csv, rows);

        var (raw, db) = postgres is null
            ? (await RawInsertAsync(Path.Combine(folder, "raw.db"), csv), Path.Combine(folder, "service.db"))
            : (await RawPostgresInsertAsync(await FreshDatabaseAsync(postgres, "switchboard_bench_raw"), csv), await FreshDatabaseAsync(postgres, "switchboard_bench_import"));
        var (imported, duplicates, rejected, seconds, peakMb, startMb) = await ImportAsync(db, csv);

        var c = CultureInfo.InvariantCulture;
        Console.WriteLine("| rows | raw insert (rows/s) | import (rows/s) | ratio | imported | merged | rejected | working set before → peak |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---|");
        Console.WriteLine(string.Format(c, "| {0} | {1:0} | {2:0} | {3:0.00}x | {4} | {5} | {6} | {7:0} → {8:0} MB |",
            rows, raw, rows / seconds, rows / seconds / raw, imported, duplicates, rejected, startMb, peakMb));
        Directory.Delete(folder, recursive: true);
        return 0;
    }

    private static readonly string[] First = ["Ada", "Grace", "Linus", "Margaret", "Alan", "Barbara", "Dennis", "Frances", "Ken", "Radia"];
    private static readonly string[] Last = ["Lovelace", "Hopper", "Torvalds", "Hamilton", "Turing", "Liskov", "Ritchie", "Allen", "Thompson", "Perlman"];

    /// <summary>
    /// Distinct people (ten per company, each with their own first and last name), with 2% repeats of earlier
    /// people in other spellings and 1% bad emails.
    /// </summary>
    private static async Task WriteCsvAsync(string path, int rows)
    {
        await using var writer = new StreamWriter(path);
        await writer.WriteLineAsync("email,first_name,last_name,company,employees,country,phone,source");
        for (var i = 0; i < rows; i++)
        {
            var person = i % 50 == 49 ? i - 17 : i;
            var email = i % 100 == 99 ? $"broken-{i}" : i != person ? $"LEAD-{person}@COMPANY{person / 10}.EXAMPLE" : $"lead-{person}@company{person / 10}.example";
            await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{email},{First[person % 10]},{Last[(person + (person / 10)) % 10].ToUpperInvariant()},Company {person / 10},{person % 5000},{(person % 2 == 0 ? "United States" : "Germany")},030 {1000000 + person},{(person % 3 == 0 ? "web" : "ads")}"));
        }
    }

    private static async Task<double> RawInsertAsync(string file, string csv)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = file, Pooling = true }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using (var setup = connection.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
                CREATE TABLE leads (id TEXT PRIMARY KEY, email TEXT, first_name TEXT, last_name TEXT, company TEXT, employees INTEGER,
                    country TEXT, phone TEXT, source TEXT, status TEXT NOT NULL, created_at INTEGER NOT NULL);
                CREATE INDEX leads_email ON leads(email);
                """;
            await setup.ExecuteNonQueryAsync();
        }

        var watch = Stopwatch.StartNew();
        using var reader = new StreamReader(csv);
        await reader.ReadLineAsync();
        var done = false;
        while (!done)
        {
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync();
            await using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO leads VALUES ($id, $e, $f, $l, $c, $n, $co, $p, $s, 'new', $t)";
            var p = new[] { "$id", "$e", "$f", "$l", "$c", "$n", "$co", "$p", "$s", "$t" }.Select(n => insert.Parameters.Add(n, SqliteType.Text)).ToArray();
            for (var i = 0; i < CsvImport.BatchSize; i++)
            {
                var line = await reader.ReadLineAsync();
                if (line is null)
                {
                    done = true;
                    break;
                }

                var f = line.Split(',');
                p[0].Value = Guid.NewGuid().ToString();
                for (var k = 0; k < 8; k++)
                {
                    p[k + 1].Value = f[k];
                }

                p[9].Value = DateTime.UtcNow.Ticks;
                await insert.ExecuteNonQueryAsync();
            }

            await tx.CommitAsync();
        }

        return (File.ReadLines(csv).Count() - 1) / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Drops and creates <paramref name="name"/> on the server; its connection string.</summary>
    private static async Task<string> FreshDatabaseAsync(string server, string name)
    {
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
    }

    /// <summary>The same rows in PostgreSQL: one batch of prepared INSERTs per transaction, as many rows as an import batch.</summary>
    private static async Task<double> RawPostgresInsertAsync(string connectionString, string csv)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var setup = new NpgsqlCommand(
            """
            CREATE TABLE leads (id text PRIMARY KEY, email text, first_name text, last_name text, company text, employees integer,
                country text, phone text, source text, status text NOT NULL, created_at timestamptz NOT NULL);
            CREATE INDEX leads_email ON leads(email);
            """, connection))
        {
            await setup.ExecuteNonQueryAsync();
        }

        var watch = Stopwatch.StartNew();
        using var reader = new StreamReader(csv);
        await reader.ReadLineAsync();
        var done = false;
        while (!done)
        {
            await using var tx = await connection.BeginTransactionAsync();
            await using var batch = new NpgsqlBatch(connection, tx);
            for (var i = 0; i < CsvImport.BatchSize; i++)
            {
                var line = await reader.ReadLineAsync();
                if (line is null)
                {
                    done = true;
                    break;
                }

                var f = line.Split(',');
                var insert = new NpgsqlBatchCommand("INSERT INTO leads VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'new', $10)");
                insert.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid().ToString() });
                for (var k = 0; k < 8; k++)
                {
                    insert.Parameters.Add(k == 4 ? new NpgsqlParameter { Value = int.Parse(f[k], CultureInfo.InvariantCulture) } : new NpgsqlParameter { Value = f[k] });
                }

                insert.Parameters.Add(new NpgsqlParameter { Value = DateTime.UtcNow });
                batch.BatchCommands.Add(insert);
            }

            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync();
            }

            await tx.CommitAsync();
        }

        return (File.ReadLines(csv).Count() - 1) / watch.Elapsed.TotalSeconds;
    }

    private static async Task<(long Imported, long Duplicates, long Rejected, double Seconds, double PeakMb, double StartMb)> ImportAsync(string file, string csv)
    {
        await using var app = await LoadHarness.StartServiceAsync(file);
        GC.Collect();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var start = process.WorkingSet64;
        long peak = start;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                await Task.Delay(50);
            }
        });

        var import = app.Services.GetRequiredService<CsvImport>();
        var watch = Stopwatch.StartNew();
        await using var stream = File.OpenRead(csv);
        var result = await import.RunAsync(stream, new Dictionary<string, string>(), "bench", "by the import benchmark", keepRejects: 0);
        var seconds = watch.Elapsed.TotalSeconds;
        await sampling.CancelAsync();
        await sampler;
        await app.StopAsync();
        return (result.Imported, result.Duplicates, result.Rejected, seconds, peak / 1048576.0, start / 1048576.0);
    }
}
