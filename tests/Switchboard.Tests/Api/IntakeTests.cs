using System.Net;
using System.Net.Http.Json;

namespace Switchboard.Tests.Api;

/// <summary>What comes in is cleaned and the same person never becomes two leads, over real HTTP.</summary>
public abstract class IntakeTests(TestDatabase database) : HostedTests(database)
{
    protected override async Task SetUpAsync()
    {
        await RoundRobinTeamAsync("a", "b");
    }

    [Fact]
    public async Task PostLead_FieldsAreNormalizedWhenStored()
    {
        var created = await Admin.PostOk("/api/leads", new
        {
            email = "  ＪＡＮＥ@Acme.IO ",
            phone = "030 12345678",
            country = "Germany",
            firstName = "JANE",
            lastName = "doe",
            company = new { name = "  Acme   GmbH " },
        });

        var lead = await (await Admin.GetAsync($"/api/leads/{created["id"].Str()}")).Json();
        Assert.Equal("jane@acme.io", lead["email"].Str());
        Assert.Equal("+493012345678", lead["phone"].Str());
        Assert.Equal("DE", lead["country"].Str());
        Assert.Equal(("Jane", "Doe"), (lead["firstName"].Str(), lead["lastName"].Str()));
        Assert.Equal(("Acme GmbH", "acme.io"), (lead["company"]!["name"].Str(), lead["company"]!["domain"].Str()));
    }

    [Fact]
    public async Task PostLead_SamePersonAgain_MergesIntoTheOriginalWhichKeepsItsOwner()
    {
        var first = await Admin.PostOk("/api/leads", new { email = "jane@acme.io", source = "webinar" });
        var again = await Admin.PostAsJsonAsync("/api/leads", new { email = "Jane@ACME.io", phone = "+1 415 555 0123", source = "ads", title = "CTO" });
        var body = await again.Json();

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True(body["duplicate"]!.GetValue<bool>());
        Assert.Equal(first["id"].Str(), body["id"].Str());
        Assert.Equal(first["ownerRepId"].Str(), body["ownerRepId"].Str());
        var lead = await (await Admin.GetAsync($"/api/leads/{first["id"].Str()}")).Json();
        Assert.Equal(("+14155550123", "CTO", "webinar"), (lead["phone"].Str(), lead["title"].Str(), lead["source"].Str()));
        var merged = lead["timeline"]!.AsArray().Single(e => e!["type"].Str() == "merged")!;
        Assert.Equal("captured again through the API (source: ads): same email jane@acme.io; filled phone, title", merged["note"].Str());
        Assert.Single(await Admin.AllLeads());
    }

    [Fact]
    public async Task PostLead_SimilarNameAtTheSameCompany_IsTheSamePerson()
    {
        // A lead needs a way to reach the person: the first came by phone, the second by email (no conflict).
        var first = await Admin.PostOk("/api/leads", new { firstName = "Jonathan", lastName = "Smith", company = new { name = "Globex Corporation" }, phone = "+1 212 555 0101" });
        var again = await Admin.PostOk("/api/leads", new { firstName = "Jonathon", lastName = "Smith", company = new { name = "GLOBEX" }, email = "jsmith@gmail.com" });
        var other = await Admin.PostOk("/api/leads", new { firstName = "Jonathan", lastName = "Smith", company = new { name = "Initech" }, phone = "+1 212 555 0199" });

        Assert.Equal((first["id"].Str(), true), (again["id"].Str(), again["duplicate"]!.GetValue<bool>()));
        Assert.False(other["duplicate"]!.GetValue<bool>());
    }

    [Fact]
    public async Task PostLead_EightConcurrentClientsSendTheSamePerson_OneLead()
    {
        using var gate = new SemaphoreSlim(0);
        var posts = Enumerable.Range(0, 8).Select(async i =>
        {
            using var client = Host.Client(ServiceHost.AdminKey);
            await gate.WaitAsync();
            var response = await client.PostAsJsonAsync("/api/leads", new { email = i % 2 == 0 ? "Race@Example.COM" : " race@example.com", phone = $"030 1234567{i}" });
            return (response.StatusCode, Body: await response.Json());
        }).ToList();
        gate.Release(8);
        var results = await Task.WhenAll(posts);

        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(7, results.Count(r => r.StatusCode == HttpStatusCode.OK && r.Body["duplicate"]!.GetValue<bool>()));
        Assert.Single(results.Select(r => r.Body["id"].Str()).Distinct());
        Assert.Single(await Admin.AllLeads());
    }

    [Fact]
    public async Task Dedupe_IsConfigurable_EmailMatchingOff()
    {
        var db = await Database.CreateAsync();
        await using var host = await ServiceHost.StartAsync(db, settings: new Dictionary<string, string> { ["DEDUPE_BY_EMAIL"] = "false" });

        var first = await host.Admin.PostOk("/api/leads", new { email = "shared@acme.io" });
        var second = await host.Admin.PostOk("/api/leads", new { email = "shared@acme.io" });

        Assert.NotEqual(first["id"].Str(), second["id"].Str());
        await host.DisposeAsync();
        Database.Delete(db);
    }
}

public sealed class SqliteIntakeTests() : IntakeTests(new SqliteDatabase());

public sealed class PostgresIntakeTests() : IntakeTests(new PostgresDatabase());
