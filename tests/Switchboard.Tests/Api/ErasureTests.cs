using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Storage;

namespace Switchboard.Tests.Api;

/// <summary>
/// Erasing a person: afterwards none of their personal values is in any table of the database, in any
/// answer about the lead or in the outbox; the lead, its routing and its counts stay; and the same person
/// arriving again is recognised as erased.
/// </summary>
public abstract class ErasureTests(TestDatabase database) : HostedTests(database)
{
    private static readonly string[] Personal = ["grace.hopper@navy.example", "+12025550147", "Gracelyn", "Hopperson", "Rear Admiral", "Westminster", "SW1A 2AA", "crm-grace-77", "met at the Harborfair"];

    protected override Task<ServiceHost> StartAsync(string db) =>
        ServiceHost.StartAsync(db, settings: new Dictionary<string, string> { ["WEBHOOKS_ALLOW_PRIVATE"] = "true" });

    protected override async Task SetUpAsync()
    {
        await RoundRobinTeamAsync("a");
        await Admin.PostOk("/api/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "*" } }); // so the outbox keeps event bodies
    }

    /// <summary>Every text cell of every table, read straight from the database.</summary>
    private async Task<List<(string Table, string Cell)>> EverythingStoredAsync()
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = db.Database.IsSqlite()
                ? "SELECT name FROM sqlite_master WHERE type = 'table'"
                : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'";
            await using var names = await list.ExecuteReaderAsync();
            while (await names.ReadAsync())
            {
                tables.Add(names.GetString(0));
            }
        }

        var cells = new List<(string, string)>();
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using DbDataReader rows = await select.ExecuteReaderAsync();
            while (await rows.ReadAsync())
            {
                for (var i = 0; i < rows.FieldCount; i++)
                {
                    if (!await rows.IsDBNullAsync(i) && rows.GetValue(i) is var v && v is string or string[])
                    {
                        cells.Add((table, v is string[] array ? string.Join(",", array) : (string)v));
                    }
                }
            }
        }

        return cells;
    }

    [Fact]
    public async Task Erased_NoPersonalValueLeftAnywhere_TheLeadAndItsRoutingStay_TheSamePersonAgainIsRecognised()
    {
        var create = new HttpRequestMessage(HttpMethod.Post, "/api/leads")
        {
            Content = JsonContent.Create(new
            {
                email = "Grace.Hopper@navy.example", phone = "+1 202 555 0147", firstName = "Gracelyn", lastName = "Hopperson", title = "Rear Admiral",
                city = "Westminster", postalCode = "SW1A 2AA", country = "GB", externalId = "crm-grace-77", company = new { name = "Navy Supplies" },
                attributes = new { notes = "met at the Harborfair" },
            }),
        };
        create.Headers.Add("Idempotency-Key", "grace-1");
        var lead = await (await Admin.SendAsync(create)).Json();
        var id = lead["id"].Str();
        var rep = Host.Client(await Admin.NewKey(new { name = "a", role = "rep", repId = "a" }));
        (await rep.PostAsJsonAsync($"/api/leads/{id}/activities", new { type = "call", note = "called Gracelyn on +12025550147" })).EnsureSuccessStatusCode();
        (await rep.PostAsJsonAsync($"/api/leads/{id}/feedback", new { score = 9, comment = "Gracelyn Hopperson was delighted" })).EnsureSuccessStatusCode();
        Assert.Contains(await EverythingStoredAsync(), c => c.Cell.Contains("Hopperson", StringComparison.Ordinal)); // the scan sees what is there

        var erased = await Admin.DeleteAsync($"/api/leads/{id}/personal-data");

        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.Equal(["firstName", "lastName", "email", "phone", "title", "city", "postalCode", "externalId", "attributes"], (await erased.Json())["erased"]!.AsArray().Select(f => f.Str()));
        var left = (await EverythingStoredAsync()).Where(c => Personal.Any(p => c.Cell.Contains(p, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(left.Count == 0, "still stored: " + string.Join("; ", left.Select(c => $"{c.Table}: {c.Cell[..Math.Min(120, c.Cell.Length)]}")));

        var answers = new StringBuilder();
        foreach (var path in new[] { $"/api/leads/{id}", "/api/leads", "/api/audit" })
        {
            answers.Append(await (await Admin.GetAsync(path)).Content.ReadAsStringAsync());
        }

        Assert.DoesNotContain(Personal, p => answers.ToString().Contains(p, StringComparison.OrdinalIgnoreCase));
        var view = await (await Admin.GetAsync($"/api/leads/{id}")).Json();
        Assert.Equal(("assigned", "a", "Navy Supplies"), (view["status"].Str(), view["ownerRepId"].Str(), view["company"]!["name"].Str()));
        Assert.Contains(view["timeline"]!.AsArray(), e => e!["type"].Str() == "erased" && e["actor"].Str() == "admin (SWITCHBOARD_ADMIN_KEY)");
        Assert.NotNull(view["decision"]);

        var again = await Admin.PostOk("/api/leads", new { email = "grace.hopper@navy.example" });
        var timeline = (await (await Admin.GetAsync($"/api/leads/{again["id"].Str()}")).Json())["timeline"]!.AsArray();
        Assert.False(again["duplicate"]!.GetValue<bool>());
        Assert.Contains(timeline, e => e!["type"].Str() == "erased_before" && e["note"].Str().Contains("whose data was erased on request", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.DeleteAsync($"/api/leads/{again["id"].Str()}/personal-data")).StatusCode);
    }
}

public sealed class SqliteErasureTests() : ErasureTests(new SqliteDatabase());

public sealed class PostgresErasureTests() : ErasureTests(new PostgresDatabase());
