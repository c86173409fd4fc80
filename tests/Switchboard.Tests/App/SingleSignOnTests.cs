using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Tests.App;

/// <summary>
/// OpenID Connect sign-in switched on by settings alone, in a real browser, against an OpenID provider
/// started by the test: a person the admin added signs in through it by their verified email, and later
/// by their provider account; an unverified, unknown or locked person is told why and stays out.
/// </summary>
public abstract class SingleSignOnTests(TestDatabase database) : HostedTests(database)
{
    private TestOpenIdProvider? _provider;
    private readonly List<IBrowserContext> _contexts = [];

    private TestOpenIdProvider Provider => _provider!;

    protected override async Task<ServiceHost> StartAsync(string db)
    {
        _provider = await TestOpenIdProvider.StartAsync();
        return await ServiceHost.StartAsync(db, settings: new Dictionary<string, string>
        {
            ["OIDC_AUTHORITY"] = Provider.Authority,
            ["OIDC_CLIENT_ID"] = TestOpenIdProvider.ClientId,
            ["OIDC_CLIENT_SECRET"] = TestOpenIdProvider.ClientSecret,
            ["OIDC_NAME"] = "Keycloak",
        });
    }

    /// <summary>A fresh browser session that opens the app and takes the provider's button; the page where it ends up.</summary>
    private async Task<IPage> SignInThroughProviderAsync(string subject, string email, bool verified)
    {
        Provider.Person = (subject, email, verified);
        var context = await (await Browsers.GetAsync()).NewContextAsync(new BrowserNewContextOptions { BaseURL = Host.BaseAddress.ToString() });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
        await Expect(page.GetByLabel("Email")).ToBeVisibleAsync(); // passwords still work beside it
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Keycloak" }).ClickAsync();
        return page;
    }

    [Fact]
    public async Task APersonSignsInThroughTheProvider_ByVerifiedEmail_ThenByTheirAccountThere_OthersAreToldWhyNot()
    {
        await RoundRobinTeamAsync("ada", "bob");
        var ada = (await Admin.PostOk("/api/users", new { email = "ada@example.com", role = "rep", repId = "ada" }))["user"]!["id"].Str(); // invited: no password
        await Admin.PostOk("/api/users", new { email = "bob@example.com", role = "rep", repId = "bob" });

        var page = await SignInThroughProviderAsync("kc-ada", "Ada@Example.com", verified: true);
        await Expect(page).ToHaveURLAsync(new Regex("/inbox$"));
        await Expect(page.GetByText("You have no open leads")).ToBeVisibleAsync();
        Assert.Equal(1, Provider.TokensIssued);

        // The provider account is remembered: a new address there still signs in the same person.
        page = await SignInThroughProviderAsync("kc-ada", "ada.lovelace@example.org", verified: true);
        await Expect(page).ToHaveURLAsync(new Regex("/inbox$"));

        page = await SignInThroughProviderAsync("kc-bob", "bob@example.com", verified: false);
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("has not verified your email address");

        page = await SignInThroughProviderAsync("kc-eve", "eve@example.com", verified: true);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("No Switchboard account has the email");

        await Admin.PatchOk($"/api/users/{ada}", new { locked = true });
        page = await SignInThroughProviderAsync("kc-ada", "ada@example.com", verified: true);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("This account is locked");
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
    }

    protected override async ValueTask TearDownAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }
}

public sealed class SqliteSingleSignOnTests() : SingleSignOnTests(new SqliteDatabase());

public sealed class PostgresSingleSignOnTests() : SingleSignOnTests(new PostgresDatabase());

/// <summary>Whom the provider vouches for: a verified email, or one trusted by setting (Entra ID sends no email_verified).</summary>
public sealed class VouchedEmailTests
{
    private static System.Security.Claims.ClaimsPrincipal Person(params (string Type, string Value)[] claims) =>
        new(new System.Security.Claims.ClaimsIdentity(claims.Select(c => new System.Security.Claims.Claim(c.Type, c.Value)), "test"));

    [Fact]
    public void AnEmailCounts_WhenTheProviderVerifiedIt_OrTheSettingTrustsIt()
    {
        Assert.Equal(("s", "a@example.com", null), Switchboard.Auth.SingleSignOn.Vouched(Person(("sub", "s"), ("email", " a@example.com "), ("email_verified", "true")), trustEmail: false));
        Assert.Equal(("s", null, "unverified"), Switchboard.Auth.SingleSignOn.Vouched(Person(("sub", "s"), ("email", "a@example.com")), trustEmail: false));
        Assert.Equal(("s", "a@example.com", null), Switchboard.Auth.SingleSignOn.Vouched(Person(("sub", "s"), ("email", "a@example.com")), trustEmail: true));
        Assert.Equal(("s", null, "no-email"), Switchboard.Auth.SingleSignOn.Vouched(Person(("sub", "s")), trustEmail: true));
        Assert.Equal((null, null, "failed"), Switchboard.Auth.SingleSignOn.Vouched(Person(("email", "a@example.com")), trustEmail: true));
    }
}
