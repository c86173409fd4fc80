using System.Net;

namespace Switchboard.Tests.Api;

/// <summary>A plain HTML form on someone's website posting to <c>/forms/{key}</c>, without a key.</summary>
public abstract class FormTests(TestDatabase database) : HostedTests(database)
{
    protected override async Task SetUpAsync()
    {
        await RoundRobinTeamAsync("a");
        await Admin.PostOk("/api/forms", new
        {
            key = "demo",
            name = "Demo request",
            source = "demo-request",
            fieldMap = new Dictionary<string, string> { ["your_email"] = "email", ["how_big"] = "company.employees" },
            thankYouUrl = "https://www.example.com/thanks",
            honeypotField = "website_url",
            allowedOrigins = new[] { "https://www.example.com" },
        });
    }

    private HttpClient Browser()
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Host.BaseAddress };
        client.DefaultRequestHeaders.Add("Origin", "https://www.example.com");
        return client;
    }

    [Fact]
    public async Task FormPost_RedirectsToThankYou_LeadStoredMappedRoutedWithSourceAndUtm()
    {
        using var browser = Browser();
        var response = await browser.PostAsync("/forms/demo", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["your_email"] = "Ada@Lovelace.io",
            ["first_name"] = "ada",
            ["company"] = "Analytical Engines Ltd",
            ["how_big"] = "250",
            ["utm_source"] = "linkedin",
            ["utm_campaign"] = "spring-launch",
            ["message"] = "Call me",
            ["website_url"] = "",
        }));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("https://www.example.com/thanks", response.Headers.Location!.ToString());
        Assert.Equal("https://www.example.com", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var lead = Assert.Single(await Admin.AllLeads());
        Assert.Equal(("ada@lovelace.io", "Ada", "demo-request", "form"), (lead["email"].Str(), lead["firstName"].Str(), lead["source"].Str(), lead["channel"].Str()));
        Assert.Equal(("spring-launch", "linkedin"), (lead["campaign"].Str(), lead["utm"]!["source"].Str()));
        Assert.Equal(250, lead["company"]!["employees"]!.GetValue<int>());
        Assert.Equal("Call me", lead["attributes"]!["message"].Str());
        Assert.Equal(("assigned", "a"), (lead["status"].Str(), lead["ownerRepId"].Str()));
    }

    [Fact]
    public async Task FormPost_HoneypotFilled_ThankedAndDropped()
    {
        using var browser = Browser();
        var response = await browser.PostAsync("/forms/demo", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["your_email"] = "bot@spam.example",
            ["website_url"] = "http://spam.example",
        }));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Empty(await Admin.AllLeads());
    }

    [Fact]
    public async Task FormPost_BadFieldsNamed_UnknownFormIs404_PreflightOnlyForAllowedOrigins()
    {
        using var browser = Browser();
        var bad = await browser.PostAsync("/forms/demo", new FormUrlEncodedContent(new Dictionary<string, string> { ["your_email"] = "not-an-email", ["how_big"] = "lots" }));
        var problem = await bad.Json();
        var unknown = await browser.PostAsync("/forms/nope", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "a@b.co" }));
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/forms/demo");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var allowed = await browser.SendAsync(preflight);
        using var stranger = new HttpClient { BaseAddress = Host.BaseAddress };
        using var strangerPreflight = new HttpRequestMessage(HttpMethod.Options, "/forms/demo");
        strangerPreflight.Headers.Add("Origin", "https://evil.example");
        var refused = await stranger.SendAsync(strangerPreflight);

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull(problem["errors"]!["email"]);
        Assert.NotNull(problem["errors"]!["how_big"]);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Empty(await Admin.AllLeads());
    }

    [Fact]
    public async Task ApiLead_CarriesChannelAndUtm_ListFilterByCampaign()
    {
        await Admin.PostOk("/api/leads", new { email = "x@y.io", utm = new { source = "google", medium = "cpc", campaign = "brand" } });
        await Admin.PostOk("/api/leads", new { email = "z@y.io", campaign = "webinar-12" });

        var brand = await (await Admin.GetAsync("/api/leads?campaign=brand")).Json();
        var api = await (await Admin.GetAsync("/api/leads?channel=api")).Json();

        Assert.Equal("cpc", brand["items"]![0]!["utm"]!["medium"].Str());
        Assert.Equal(2, api["items"]!.AsArray().Count);
    }
}

public sealed class SqliteFormTests() : FormTests(new SqliteDatabase());

public sealed class PostgresFormTests() : FormTests(new PostgresDatabase());
