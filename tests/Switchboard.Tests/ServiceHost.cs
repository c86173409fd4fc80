using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;

namespace Switchboard.Tests;

/// <summary>Where a test's service keeps its data: a fresh SQLite file, or a fresh PostgreSQL database.</summary>
public abstract class TestDatabase
{
    public abstract string Name { get; }

    public abstract Task<string> CreateAsync();

    /// <summary>Removes what <see cref="CreateAsync"/> made (a SQLite file, a PostgreSQL database).</summary>
    public virtual void Delete(string db)
    {
    }
}

public sealed class SqliteDatabase : TestDatabase
{
    public override string Name => "sqlite";

    public override Task<string> CreateAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "switchboard-tests");
        Directory.CreateDirectory(folder);
        return Task.FromResult($"Data Source={Path.Combine(folder, Guid.NewGuid().ToString("N"))}.db");
    }

    public override void Delete(string db)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db).DataSource;
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(file + suffix);
        }
    }
}

/// <summary>
/// A new database per test on the server named by SWITCHBOARD_TEST_POSTGRES. Without it the tests
/// skip, saying so, unless SWITCHBOARD_TEST_REQUIRE_POSTGRES=1 (as in CI), where they fail.
/// </summary>
public sealed class PostgresDatabase : TestDatabase
{
    public override string Name => "postgres";

    public static string? Server => Environment.GetEnvironmentVariable("SWITCHBOARD_TEST_POSTGRES");

    public override async Task<string> CreateAsync()
    {
        if (string.IsNullOrEmpty(Server))
        {
            if (Environment.GetEnvironmentVariable("SWITCHBOARD_TEST_REQUIRE_POSTGRES") == "1")
            {
                throw new InvalidOperationException("SWITCHBOARD_TEST_REQUIRE_POSTGRES=1 but SWITCHBOARD_TEST_POSTGRES is not set");
            }

            Assert.Skip("PostgreSQL not configured: set SWITCHBOARD_TEST_POSTGRES=\"Host=127.0.0.1;Username=...;Password=...\" to run these tests");
        }

        var name = "sb_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(Server))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await cmd.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString;
    }

    /// <summary>Closes the test's pooled connections and drops its database, so a long run does not exhaust the server's connections.</summary>
    public override void Delete(string db)
    {
        using (var connection = new NpgsqlConnection(db))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        using var server = new NpgsqlConnection(Server);
        server.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {new NpgsqlConnectionStringBuilder(db).Database} WITH (FORCE)", server);
        drop.ExecuteNonQuery();
    }
}

/// <summary>The real service on a real port of 127.0.0.1, talked to over real HTTP.</summary>
public sealed class ServiceHost : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    private readonly WebApplication _app;

    private ServiceHost(WebApplication app, string db)
    {
        _app = app;
        Db = db;
        BaseAddress = new Uri(app.Urls.First());
        Admin = Client(AdminKey);
    }

    public string Db { get; }

    public Uri BaseAddress { get; }

    public HttpClient Admin { get; }

    /// <summary>The service's own services, for test code that goes around the API on purpose (e.g. a naive control).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// One look of the lead clock at the (fake) time now, finished when it returns. Hosts started with
    /// <see cref="ManualClock"/> run no clock of their own, so only these ticks move deadlines on.
    /// </summary>
    public Task TickAsync() => Services.GetRequiredService<Switchboard.Work.LeadClock>().TickAsync(CancellationToken.None);

    /// <summary>Settings for a host whose lead clock only the test ticks.</summary>
    public static Dictionary<string, string> ManualClock() => new() { ["LEAD_CLOCK"] = "false" };

    public static async Task<ServiceHost> StartAsync(string db, TimeProvider? time = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var app = await SwitchboardApp.CreateAsync(["--urls", "http://127.0.0.1:0"], b =>
        {
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                b.Configuration[key] = value;
            }

            b.Configuration["DB"] = db;
            b.Configuration["ADMIN_KEY"] = AdminKey;
            b.Logging.ClearProviders();
            b.Logging.AddFakeLogging(); // what the service logged, for tests that check it (Logs)
            if (time is not null)
            {
                b.Services.AddSingleton(time);
            }
        }, TextWriter.Null);
        await app.StartAsync();
        return new ServiceHost(app, db);
    }

    /// <summary>Every line the service logged so far, as "Level: message".</summary>
    public IReadOnlyList<string> Logs => [.. _app.Services.GetFakeLogCollector().GetSnapshot().Select(r => $"{r.Level}: {r.Message}{(r.Exception is null ? "" : $" ({r.Exception.GetType().Name}: {r.Exception.Message})")}")];

    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async Task<ServiceHost> RestartAsync()
    {
        await DisposeAsync();
        return await StartAsync(Db);
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Small helpers that keep the tests about behaviour, not plumbing.</summary>
public static class Http
{
    public static async Task<JsonObject> Json(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<JsonArray> JsonArray(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();

    public static async Task<JsonObject> PostOk(this HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<JsonObject> PatchOk(this HttpClient client, string path, object body)
    {
        var response = await client.PatchAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PATCH {path} → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<int> PutFlow(this HttpClient client, string yaml)
    {
        var response = await client.PutAsync("/api/routing/flow", new StringContent(yaml, System.Text.Encoding.UTF8, "application/yaml"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT flow → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["version"]!.GetValue<int>();
    }

    public static async Task<string> NewKey(this HttpClient admin, object body) =>
        (await admin.PostOk("/api/keys", body))["key"]!.GetValue<string>();

    public static async Task<List<JsonObject>> AllLeads(this HttpClient client)
    {
        var all = new List<JsonObject>();
        for (var page = 1; ; page++)
        {
            var json = await (await client.GetAsync($"/api/leads?page={page}&pageSize=200")).Json();
            var items = json["items"]!.AsArray().Select(n => n!.AsObject()).ToList();
            all.AddRange(items);
            if (items.Count < 200)
            {
                return all;
            }
        }
    }

    public static string Str(this JsonNode? node) => node?.GetValue<string>() ?? throw new InvalidOperationException("missing value");

    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
}
