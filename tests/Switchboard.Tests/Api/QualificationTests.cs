using System.Net;

namespace Switchboard.Tests.Api;

/// <summary>Disqualified leads are kept and visible but never routed; scores and the MQL threshold decide routing.</summary>
public abstract class QualificationTests(TestDatabase database) : HostedTests(database)
{
    private const string Rules = """
        disqualify:
          - name: competitor
            when: company.domain == 'rival.com'
          - name: test-lead
            when: email endsWith '@test.invalid' or lastName == 'Test'
        scoring:
          fit:
            - { name: senior title, when: "title contains 'VP'", points: 30 }
            - { name: enterprise, when: "company.employees >= 1000", points: 30 }
          intent:
            - { name: demo request, when: "source == 'demo-request'", points: 40 }
          grades: { A: 60, B: 30 }
          mql: 50
        """;

    protected override async Task SetUpAsync()
    {
        await RoundRobinTeamAsync("a");
        var saved = await Admin.PutAsync("/api/intake/rules", new StringContent(Rules, System.Text.Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
    }

    [Fact]
    public async Task DisqualifiedLead_KeptAndVisibleNeverRouted_NotEvenByTheHeldRetry()
    {
        var created = await Admin.PostOk("/api/leads", new { email = "spy@rival.com", title = "VP Sales", source = "demo-request" });
        await Admin.PostOk("/api/routing/held/retry", new { });

        var lead = await (await Admin.GetAsync($"/api/leads/{created["id"].Str()}")).Json();
        Assert.Equal("disqualified", created["status"].Str());
        Assert.Null(created["decision"]);
        Assert.Equal(("disqualified", null), (lead["status"].Str(), lead["ownerRepId"]?.GetValue<string>()));
        Assert.Equal("disqualified by 'competitor': company.domain == 'rival.com'", lead["disqualifiedReason"].Str());
        Assert.Equal(["created", "disqualified"], lead["timeline"]!.AsArray().Select(e => e!["type"].Str()));
        var listed = await (await Admin.GetAsync("/api/leads?status=disqualified")).Json();
        Assert.Single(listed["items"]!.AsArray());
    }

    [Fact]
    public async Task ScoredLeads_AboveMqlRouted_BelowMqlSentToNurtureWithTheReason()
    {
        var hot = await Admin.PostOk("/api/leads", new { email = "ceo@big.example", title = "VP Sales", source = "demo-request", company = new { employees = 5000 } });
        var cold = await Admin.PostOk("/api/leads", new { email = "intern@small.example", title = "VP of Fun" });

        Assert.Equal(("assigned", "a"), (hot["status"].Str(), hot["ownerRepId"].Str()));
        var hotLead = await (await Admin.GetAsync($"/api/leads/{hot["id"].Str()}")).Json();
        Assert.Equal((100, "A"), (hotLead["score"]!.GetValue<int>(), hotLead["grade"].Str()));
        Assert.Equal(["fit +30: senior title", "fit +30: enterprise", "intent +40: demo request"], hotLead["scoreReasons"]!.AsArray().Select(r => r.Str()));
        Assert.Equal(("pooled", "nurture"), (cold["status"].Str(), cold["poolId"].Str()));
        Assert.Equal("score 30 < MQL threshold 50: sent to pool 'nurture' to nurture instead of routing", cold["decision"]!["explanation"].Str());
    }

    [Fact]
    public async Task BadRules_400NamingTheFieldAndPosition_PreviousRulesStay()
    {
        var response = await Admin.PutAsync("/api/intake/rules", new StringContent("disqualify:\n  - name: x\n    when: \"email ==\"\n", System.Text.Encoding.UTF8, "application/yaml"));
        var problem = await response.Json();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'x': at position", problem["errors"]!["disqualify[0].when"]![0].Str(), StringComparison.Ordinal);
        Assert.Contains("competitor", await Admin.GetStringAsync("/api/intake/rules"), StringComparison.Ordinal);
    }
}

public sealed class SqliteQualificationTests() : QualificationTests(new SqliteDatabase());

public sealed class PostgresQualificationTests() : QualificationTests(new PostgresDatabase());
