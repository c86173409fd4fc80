using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Switchboard.Tests.Api;

/// <summary>Accounts from CSV and the API; leads matched to them on arrival and routed to their owners.</summary>
public abstract class AccountTests(TestDatabase database) : HostedTests(database)
{
    private const string AccountsCsv = """
        id,name,domains,owner
        acme,Acme Corporation,acme.com;acme.de,c
        ,Initech Systems Inc.,initech.io,b
        ,Bad Owner Ltd,bad.example,nobody
        ,Freemail Inc,gmail.com,a
        ,,nameless.example,a
        """;

    protected override async Task SetUpAsync()
    {
        await RoundRobinTeamAsync("a", "b", "c");
        await Admin.PutFlow("""
            rules:
              - name: accounts
                assign: { to: { team: sdr }, strategy: account-owner }
              - name: main
                assign: { to: { team: sdr }, strategy: round-robin }
            fallback: { pool: unassigned }
            """);
    }

    private async Task<JsonObject> ImportAccounts(string csv)
    {
        var response = await Admin.PostAsync("/api/accounts/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Json();
    }

    private async Task<JsonObject> Lead(string id) => await (await Admin.GetAsync($"/api/leads/{id}")).Json();

    [Fact]
    public async Task AccountsFromCsvAndApi_LeadsMatchedByDomainOrName_RoutedToTheOwner()
    {
        var first = await ImportAccounts(AccountsCsv);
        Assert.Equal((2, 0, 3), (first["created"]!.GetValue<int>(), first["updated"]!.GetValue<int>(), first["rejected"]!.GetValue<int>()));
        Assert.Equal(
            [
                "4: ownerRepId: rep 'nobody' does not exist",
                "5: domains[0]: gmail.com is a free-mail provider, not a company's domain",
                "6: name: required",
            ],
            first["rejects"]!.AsArray().Select(r => $"{r!["line"]}: {r["reason"].Str()}"));
        var again = await ImportAccounts(AccountsCsv);
        Assert.Equal((0, 2, 3), (again["created"]!.GetValue<int>(), again["updated"]!.GetValue<int>(), again["rejected"]!.GetValue<int>()));

        await Admin.PostOk("/api/accounts", new { id = "globex", name = "Globex", domains = new[] { "https://www.Globex.com/" }, ownerRepId = "a" });
        var taken = await Admin.PostAsJsonAsync("/api/accounts", new { name = "Acme Again", domains = new[] { "acme.com" } });
        Assert.Equal(HttpStatusCode.BadRequest, taken.StatusCode);
        Assert.Equal("acme.com already belongs to account 'acme'", (await taken.Json())["errors"]!["domains[0]"]![0].Str());
        var accounts = (await (await Admin.GetAsync("/api/accounts")).Json())["items"]!.AsArray();
        Assert.Equal(["acme", "globex"], accounts.Select(a => a!["id"].Str()).Where(id => !id.StartsWith("acc-", StringComparison.Ordinal)));
        Assert.Equal(["globex.com"], accounts.Single(a => a!["id"].Str() == "globex")!["domains"]!.AsArray().Select(d => d.Str()));

        var byParentDomain = await Admin.PostOk("/api/leads", new { email = "jane@eu.acme.com" });
        var bySimilarName = await Admin.PostOk("/api/leads", new { email = "bob@gmail.com", company = new { name = "Initech Sytems" } });
        var noAccount = await Admin.PostOk("/api/leads", new { email = "x@unknown.example", company = new { name = "Nobody Co" } });

        Assert.Equal(("c", "accounts"), (byParentDomain["ownerRepId"].Str(), byParentDomain["decision"]!["rule"].Str()));
        Assert.Equal(("b", "accounts"), (bySimilarName["ownerRepId"].Str(), bySimilarName["decision"]!["rule"].Str()));
        Assert.Equal("main", noAccount["decision"]!["rule"].Str());
        var jane = await Lead(byParentDomain["id"].Str());
        Assert.Equal("acme", jane["accountId"].Str());
        Assert.Contains(jane["timeline"]!.AsArray(), e => e!["type"].Str() == "account" &&
            e["note"].Str() == "matched to account 'Acme Corporation' (acme) by domain eu.acme.com under acme.com; owner c");
        Assert.Null((await Lead(noAccount["id"].Str()))["accountId"]);

        // A CSV of leads goes through the same matching, batch by batch.
        var imported = await Admin.PostAsync("/api/imports", new StringContent("email\nceo@globex.com\nops@acme.de\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var leads = await Admin.AllLeads();
        Assert.Equal(("a", "globex"), (leads.Single(l => l["email"].Str() == "ceo@globex.com")["ownerRepId"].Str(), leads.Single(l => l["email"].Str() == "ceo@globex.com")["accountId"].Str()));
        Assert.Equal("c", leads.Single(l => l["email"].Str() == "ops@acme.de")["ownerRepId"].Str());

        // A new owner takes the account's next leads; a deleted account lets its leads go.
        var patched = await Admin.PatchAsync("/api/accounts/acme", JsonContent.Create(new { ownerRepId = "b" }));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("b", (await Admin.PostOk("/api/leads", new { email = "max@acme.com" }))["ownerRepId"].Str());
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync("/api/accounts/acme")).StatusCode);
        Assert.Null((await Lead(byParentDomain["id"].Str()))["accountId"]);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync("/api/accounts/acme")).StatusCode);
    }

    [Fact]
    public async Task RepKeys_CannotReadAccounts_IntegrationsCanSyncThem()
    {
        var rep = Host.Client(await Admin.NewKey(new { name = "a's key", role = "rep", repId = "a" }));
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.GetAsync("/api/accounts")).StatusCode);
        var crm = Host.Client(await Admin.NewKey(new { name = "crm", role = "integration" }));
        Assert.Equal(HttpStatusCode.Created, (await crm.PostAsJsonAsync("/api/accounts", new { name = "Umbrella", domains = new[] { "umbrella.example" } })).StatusCode);
    }
}

public sealed class SqliteAccountTests() : AccountTests(new SqliteDatabase());

public sealed class PostgresAccountTests() : AccountTests(new PostgresDatabase());
