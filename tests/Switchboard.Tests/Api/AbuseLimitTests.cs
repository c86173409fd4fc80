using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;

namespace Switchboard.Tests.Api;

/// <summary>Rate limits and wrong-key slow-down on the service's clock, ticked by the test.</summary>
public sealed class AbuseLimitTests() : HostedTests(new SqliteDatabase())
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));

    protected override Task<ServiceHost> StartAsync(string db) => ServiceHost.StartAsync(db, _clock, new Dictionary<string, string>
    {
        ["LEAD_CLOCK"] = "false",
        ["RATE_LIMIT_PER_KEY"] = "30",
        ["RATE_LIMIT_PER_FORM"] = "3",
    });

    protected override Task SetUpAsync() => RoundRobinTeamAsync("a");

    private static async Task AssertTooManyAsync(HttpResponseMessage response, TimeSpan retryAfter)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(retryAfter, response.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("try again in", (await response.Json())["detail"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongKeys_FiveFree_ThenEachAttemptWaitsTwiceAsLong_EvenWithTheRightKey_UpToFifteenMinutes()
    {
        var wrong = Host.Client("sb_wrong-key-guess");
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/leads")).StatusCode);
        }

        // Six wrong: the next attempt, whatever the key, waits a second.
        await AssertTooManyAsync(await wrong.GetAsync("/api/leads"), TimeSpan.FromSeconds(1));
        await AssertTooManyAsync(await Admin.GetAsync("/api/leads"), TimeSpan.FromSeconds(1));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/leads")).StatusCode);
        await AssertTooManyAsync(await wrong.GetAsync("/api/leads"), TimeSpan.FromSeconds(2));

        // Keep guessing as soon as allowed: the wait doubles until it is a quarter of an hour.
        for (var wait = 2; wait < 900; wait = Math.Min(900, wait * 2))
        {
            _clock.Advance(TimeSpan.FromSeconds(wait));
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/leads")).StatusCode);
        }

        await AssertTooManyAsync(await Admin.GetAsync("/api/leads"), TimeSpan.FromMinutes(15));
        Assert.Contains(Host.Logs, l => l.StartsWith("Warning: Authentication: 6 wrong keys from 127.0.0.1", StringComparison.Ordinal));
        Assert.Contains(Host.Logs, l => l.Contains("from 127.0.0.1; locked out, 15 minutes between attempts", StringComparison.Ordinal));

        // Anonymous pages are not locked; after the wait, the right key works again.
        Assert.Equal(HttpStatusCode.OK, (await new HttpClient { BaseAddress = Host.BaseAddress }.GetAsync("/healthz")).StatusCode);
        _clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.OK, (await Admin.GetAsync("/api/leads")).StatusCode);
    }

    [Fact]
    public async Task OneKey_ThirtyRequestsAMinute_The31stWaitsForTheNextMinute_OtherKeysUnaffected()
    {
        _clock.Advance(TimeSpan.FromSeconds(20)); // into the window SetUp opened
        var integration = Host.Client(await Admin.NewKey(new { name = "crm", role = "integration" }));
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 31; i++)
        {
            answers.Add((await integration.PostAsJsonAsync("/api/leads", new { email = $"burst{i}@example.com" })).StatusCode);
        }

        Assert.All(answers.Take(30), s => Assert.Equal(HttpStatusCode.Created, s));
        var limited = await integration.PostAsJsonAsync("/api/leads", new { email = "late@example.com" });
        await AssertTooManyAsync(limited, TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await Admin.GetAsync("/api/leads")).StatusCode);

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Created, (await integration.PostAsJsonAsync("/api/leads", new { email = "late@example.com" })).StatusCode);
        Assert.Equal(31, (await Admin.AllLeads()).Count);
    }

    [Fact]
    public async Task PublicForm_ThreePostsAMinutePerAddress_TheFourthIs429_NoLeadForIt()
    {
        await Admin.PostOk("/api/forms", new { key = "contact", name = "Contact" });
        var anonymous = new HttpClient { BaseAddress = Host.BaseAddress };
        for (var i = 0; i < 3; i++)
        {
            var ok = await anonymous.PostAsync("/forms/contact", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = $"form{i}@example.com" }));
            Assert.True(ok.IsSuccessStatusCode, $"{(int)ok.StatusCode}");
        }

        var fourth = await anonymous.PostAsync("/forms/contact", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "form3@example.com" }));

        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Equal(3, (await Admin.AllLeads()).Count);
    }
}
