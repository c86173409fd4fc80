using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Switchboard.Tests.Api;

/// <summary>
/// Public forms behind a human check (Turnstile), verified against an in-test siteverify endpoint that
/// implements the provider's contract; and forms limited to their allowed origins.
/// </summary>
public sealed class FormChallengeTests() : HostedTests(new SqliteDatabase())
{
    private readonly ConcurrentQueue<(string Secret, string Response, string RemoteIp)> _asked = new();
    private WebApplication? _verifier;

    protected override async Task<ServiceHost> StartAsync(string db)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _verifier = builder.Build();
        _verifier.MapPost("/siteverify", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            _asked.Enqueue((form["secret"].ToString(), form["response"].ToString(), form["remoteip"].ToString()));
            return Results.Json(new { success = form["secret"] == "sekrit" && form["response"] == "human-token", hostname = "example.com" });
        });
        await _verifier.StartAsync();
        return await ServiceHost.StartAsync(db, settings: new Dictionary<string, string>
        {
            ["FORM_CHALLENGE"] = "turnstile",
            ["FORM_CHALLENGE_SECRET"] = "sekrit",
            ["FORM_CHALLENGE_VERIFY_URL"] = _verifier.Urls.First() + "/siteverify",
        });
    }

    protected override async Task SetUpAsync()
    {
        await RoundRobinTeamAsync("a");
        await Admin.PostOk("/api/forms", new { key = "demo", name = "Demo", allowedOrigins = new[] { "https://www.example.com" } });
    }

    protected override async ValueTask TearDownAsync()
    {
        if (_verifier is not null)
        {
            await _verifier.DisposeAsync();
        }
    }

    private async Task<HttpResponseMessage> PostAsync(Dictionary<string, string> fields, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/forms/demo") { Content = new FormUrlEncodedContent(fields) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Host.BaseAddress }.SendAsync(request);
    }

    [Fact]
    public async Task WithoutAPassedCheck_403AndNoLead_WithIt_TheLeadIsCapturedWithoutTheToken()
    {
        var none = await PostAsync(new() { ["email"] = "bot@example.com" });
        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
        Assert.Contains("cf-turnstile-response missing or refused", (await none.Json())["detail"].Str(), StringComparison.Ordinal);

        var forged = await PostAsync(new() { ["email"] = "bot@example.com", ["cf-turnstile-response"] = "forged" });
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Empty(await Admin.AllLeads());

        var human = await PostAsync(new() { ["email"] = "ada@example.com", ["cf-turnstile-response"] = "human-token" });
        Assert.Equal(HttpStatusCode.OK, human.StatusCode); // the thank-you page (no thankYouUrl to send the browser to)
        var lead = Assert.Single(await Admin.AllLeads());
        Assert.Equal("ada@example.com", lead["email"].Str());
        Assert.DoesNotContain("cf-turnstile-response", lead.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains(_asked, a => a == ("sekrit", "human-token", "127.0.0.1"));
    }

    [Fact]
    public async Task VerifierDown_503WithRetryAfter_NothingStored()
    {
        await _verifier!.StopAsync();

        var response = await PostAsync(new() { ["email"] = "ada@example.com", ["cf-turnstile-response"] = "human-token" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Empty(await Admin.AllLeads());
    }

    [Fact]
    public async Task PostFromAnotherSite_403_FromTheAllowedOne_Taken()
    {
        var elsewhere = await PostAsync(new() { ["email"] = "ada@example.com", ["cf-turnstile-response"] = "human-token" }, "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
        Assert.Contains("allowed origins only, not from https://evil.example", (await elsewhere.Json())["detail"].Str(), StringComparison.Ordinal);

        var home = await PostAsync(new() { ["email"] = "ada@example.com", ["cf-turnstile-response"] = "human-token" }, "https://www.example.com");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal("https://www.example.com", home.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }
}
