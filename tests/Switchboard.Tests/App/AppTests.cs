using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Tests.App;

/// <summary>
/// The app as people use it, in a real browser against the real host: signing in, a lead arriving in
/// a rep's inbox without a reload, accepting and working it, two reps racing for one pool lead, and a
/// rep's reach ending at their own leads. No fixed sleeps: every wait is on something on the page.
/// </summary>
public abstract class AppTests(TestDatabase database) : HostedTests(database)
{
    private const string Password = "a-long-test-password";

    private readonly List<IBrowserContext> _contexts = [];

    // The webhook screen's test posts to a receiver on this machine.
    protected override Task<ServiceHost> StartAsync(string db) => ServiceHost.StartAsync(db, settings: new Dictionary<string, string> { ["WEBHOOKS_ALLOW_PRIVATE"] = "true" });

    /// <summary>A fresh browser session (its own cookies), signed in as <paramref name="email"/>.</summary>
    private async Task<IPage> SignInAsync(string email, string password = Password, int width = 1280)
    {
        var context = await (await Browsers.GetAsync()).NewContextAsync(new BrowserNewContextOptions { BaseURL = Host.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = width, Height = 900 } });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync("/"); // each person's start page: a rep's inbox, a manager's team board
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        return page;
    }

    private async Task RepUserAsync(string repId, string? password = Password) =>
        await Admin.PostOk("/api/users", new { email = $"{repId}@example.com", role = "rep", repId, password });

    /// <summary>Waits until the page's Blazor circuit is up (not the static first render), so clicks and typing reach the server.</summary>
    private static async Task InteractiveAsync(IPage page) =>
        await page.WaitForFunctionAsync("() => document.querySelector('#app-state[data-interactive=true]') !== null");

    [Fact]
    public async Task RepSeesALeadArriveWithoutReload_AcceptsIt_AndLogsACall()
    {
        await RoundRobinTeamAsync("ada");
        await RepUserAsync("ada");
        var page = await SignInAsync("ada@example.com");
        await Expect(page).ToHaveURLAsync(new Regex("/inbox$"));
        await Expect(page.GetByText("You have no open leads")).ToBeVisibleAsync();
        await InteractiveAsync(page);

        var created = await Admin.PostOk("/api/leads", new { firstName = "Grace", lastName = "Hopper", email = "grace@example.com", company = new { name = "Navy" } });
        var id = created["id"].Str();
        var link = page.GetByRole(AriaRole.Link, new() { Name = "Grace Hopper" });
        await Expect(link).ToBeVisibleAsync(); // no reload: it came over the circuit
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browsers.Screenshots, $"inbox-{Database.Name}.png"), FullPage = true });

        await link.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/leads/{id}$"));
        await InteractiveAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Expect(page.GetByText("Accepted: the lead is yours.")).ToBeVisibleAsync();

        await page.GetByLabel("Note").FillAsync("left a voicemail");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log activity" }).ClickAsync();
        await Expect(page.GetByText("Logged: call.")).ToBeVisibleAsync();
        await Expect(page.GetByText("call: left a voicemail")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browsers.Screenshots, $"lead-{Database.Name}.png"), FullPage = true });

        var lead = await (await Admin.GetAsync($"/api/leads/{id}")).Json();
        Assert.Equal("accepted", lead["status"].Str());
        Assert.NotNull(lead["firstTouchAt"]);
        Assert.Contains(lead["timeline"]!.AsArray(), e => e!["type"].Str() == "activity" && e["note"].Str() == "call: left a voicemail" && e["actor"].Str() == "ada");
    }

    [Fact]
    public async Task TwoRepsClaimTheSameLead_OneWins_TheOtherIsToldAndItLeavesTheirView()
    {
        await RoundRobinTeamAsync("ada", "bob");
        await Admin.PostOk("/api/pools", new { id = "hot", name = "Hot leads", memberTeamIds = new[] { "sdr" }, visibleFields = new[] { "country", "title" } });
        await Admin.PutFlow("rules:\n  - name: all\n    assign: { to: { pool: hot } }\nfallback: { pool: hot }\n");
        await RepUserAsync("ada");
        await RepUserAsync("bob");
        var id = (await Admin.PostOk("/api/leads", new { firstName = "Alan", lastName = "Turing", email = "alan@example.com", country = "GB", title = "Researcher" }))["id"].Str();

        var ada = await SignInAsync("ada@example.com");
        var bob = await SignInAsync("bob@example.com");
        foreach (var page in new[] { ada, bob })
        {
            await page.GotoAsync("/pools/hot");
            await InteractiveAsync(page);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Claim" })).ToHaveCountAsync(1);
        }

        await bob.ScreenshotAsync(new() { Path = Path.Combine(Browsers.Screenshots, $"pool-{Database.Name}.png"), FullPage = true });
        await Task.WhenAll(ada.GetByRole(AriaRole.Button, new() { Name = "Claim" }).ClickAsync(), bob.GetByRole(AriaRole.Button, new() { Name = "Claim" }).ClickAsync());

        var won = await Task.WhenAny(ada.WaitForURLAsync(new Regex($"/leads/{id}$")).ContinueWith(_ => ada), bob.WaitForURLAsync(new Regex($"/leads/{id}$")).ContinueWith(_ => bob));
        var winner = await won;
        var loser = winner == ada ? bob : ada;
        Assert.Equal(winner == ada ? "ada" : "bob", (await (await Admin.GetAsync($"/api/leads/{id}")).Json())["ownerRepId"].Str());
        await Expect(loser.GetByText("Someone else claimed this lead first.")).ToBeVisibleAsync();
        await Expect(loser.GetByRole(AriaRole.Button, new() { Name = "Claim" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task AClaimedLeadLeavesTheOtherMembersPoolView_WithoutReload()
    {
        await RoundRobinTeamAsync("ada", "bob");
        await Admin.PostOk("/api/pools", new { id = "hot", name = "Hot leads", memberTeamIds = new[] { "sdr" } });
        await Admin.PutFlow("rules:\n  - name: all\n    assign: { to: { pool: hot } }\nfallback: { pool: hot }\n");
        await RepUserAsync("bob");
        var adaKey = (await Admin.PostOk("/api/keys", new { role = "rep", name = "ada", repId = "ada" }))["key"].Str();
        await Admin.PostOk("/api/leads", new { firstName = "Ada", lastName = "Byron", email = "byron@example.com" });

        var bob = await SignInAsync("bob@example.com");
        await bob.GotoAsync("/pools/hot");
        await InteractiveAsync(bob);
        await Expect(bob.GetByRole(AriaRole.Button, new() { Name = "Claim" })).ToHaveCountAsync(1);

        using var adaApi = Host.Client(adaKey);
        var claimed = await adaApi.PostAsJsonAsync("/api/pools/hot/claims", new { });
        Assert.Equal(HttpStatusCode.OK, claimed.StatusCode);
        await Expect(bob.GetByRole(AriaRole.Button, new() { Name = "Claim" })).ToHaveCountAsync(0, new() { Timeout = 3_000 });
        await Expect(bob.GetByRole(AriaRole.Status).Filter(new() { HasText = "Someone else claimed this lead first." })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ARepOpeningAnotherRepsLeadByItsAddress_GetsNotFound()
    {
        await RoundRobinTeamAsync("ada", "bob");
        await RepUserAsync("ada");
        await RepUserAsync("bob");
        var first = await Admin.PostOk("/api/leads", new { firstName = "Lead", lastName = "One", email = "one@example.com" });
        var second = await Admin.PostOk("/api/leads", new { firstName = "Lead", lastName = "Two", email = "two@example.com" });
        var bobs = first["ownerRepId"].Str() == "bob" ? first["id"].Str() : second["id"].Str();

        var ada = await SignInAsync("ada@example.com");
        await Expect(ada).ToHaveURLAsync(new Regex("/inbox$"));
        var response = await ada.GotoAsync($"/leads/{bobs}");
        Assert.Equal(404, response!.Status);
        await Expect(ada.GetByRole(AriaRole.Heading, new() { Name = "Not found" })).ToBeVisibleAsync();
        await Expect(ada.GetByText("Lead Two")).ToHaveCountAsync(first["ownerRepId"].Str() == "bob" ? 1 : 0); // only where it is hers
    }

    [Fact]
    public async Task AnInvitedPersonChoosesAPassword_AndWrongPasswordsLockTheAccount()
    {
        await RoundRobinTeamAsync("ada");
        var created = await Admin.PostOk("/api/users", new { email = "ada@example.com", role = "rep", repId = "ada" });
        var invite = new Uri(created["inviteUrl"].Str());
        Assert.False(created["inviteMailed"]!.GetValue<bool>()); // no SMTP here: the admin hands the link over

        var context = await (await Browsers.GetAsync()).NewContextAsync(new BrowserNewContextOptions { BaseURL = Host.BaseAddress.ToString() });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        await page.GotoAsync(invite.PathAndQuery);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("short");
        await page.GetByLabel("Password again").FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save password and sign in" }).ClickAsync();
        await Expect(page.GetByText("Use at least 10 characters.")).ToBeVisibleAsync();
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Password again").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save password and sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/inbox$"));

        var stranger = await (await Browsers.GetAsync()).NewContextAsync(new BrowserNewContextOptions { BaseURL = Host.BaseAddress.ToString() });
        _contexts.Add(stranger);
        var guess = await stranger.NewPageAsync();
        for (var i = 0; i < 5; i++)
        {
            await guess.GotoAsync("/signin");
            await guess.GetByLabel("Email").FillAsync("ada@example.com");
            await guess.GetByLabel("Password").FillAsync($"wrong-guess-{i}");
            await guess.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(guess.GetByRole(AriaRole.Alert)).ToContainTextAsync(i < 4 ? "do not match" : "locked");
        }

        await guess.GotoAsync("/signin");
        await guess.GetByLabel("Email").FillAsync("ada@example.com");
        await guess.GetByLabel("Password").FillAsync(Password);
        await guess.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(guess.GetByRole(AriaRole.Alert)).ToContainTextAsync("locked");
    }

    [Fact]
    public async Task AManagerSetsARepAway_AndTheNextLeadGoesToSomeoneElse()
    {
        await RoundRobinTeamAsync("ada", "bob");
        await Admin.PostOk("/api/users", new { email = "max@example.com", role = "manager", teamIds = new[] { "sdr" }, password = Password });
        var max = await SignInAsync("max@example.com");
        await Expect(max).ToHaveURLAsync(new Regex("/team$"));
        await InteractiveAsync(max);
        var adaRow = max.Locator("tr[data-rep=ada]");
        await Expect(adaRow).ToContainTextAsync("available");
        await Expect(max.GetByRole(AriaRole.Heading, new() { Name = "Backlog: held and pooled (0)" })).ToBeVisibleAsync();

        await max.GetByRole(AriaRole.Button, new() { Name = "Set ADA away" }).ClickAsync();
        await Expect(max.GetByText("ADA is away until set back: new leads go to others.")).ToBeVisibleAsync();
        await Expect(adaRow).ToContainTextAsync("away until set back");
        await Expect(adaRow).ToContainTextAsync("no: away");

        // Round-robin would give the next two leads to each rep once; with ada away, both go to bob.
        for (var i = 0; i < 2; i++)
        {
            var lead = await Admin.PostOk("/api/leads", new { firstName = "Lead", lastName = $"N{i}", email = $"n{i}@example.com" });
            Assert.Equal("bob", lead["ownerRepId"].Str());
        }

        await Expect(max.Locator("tr[data-rep=bob]")).ToContainTextAsync("2 / —"); // two open, no cap: live, no reload
        await max.ScreenshotAsync(new() { Path = Path.Combine(Browsers.Screenshots, $"team-{Database.Name}.png"), FullPage = true });
        var audit = await (await Admin.GetAsync("/api/audit?entity=rep")).Json();
        Assert.Contains(audit["items"]!.AsArray(), a => a!["entityId"].Str() == "ada" && a["actor"].Str() == "max@example.com");

        await max.GetByRole(AriaRole.Button, new() { Name = "Set ADA back" }).ClickAsync();
        await Expect(adaRow).ToContainTextAsync("yes");
        Assert.Equal("ada", (await Admin.PostOk("/api/leads", new { firstName = "Lead", lastName = "Back", email = "back@example.com" }))["ownerRepId"].Str());
    }

    [Fact]
    public async Task AManagerReassignsAHeldLeadFromTheBacklog_ByHand_AndTheTraceNamesThem()
    {
        await RoundRobinTeamAsync("ada", "bob");
        await Admin.PatchOk("/api/reps/ada", new { status = "away" });
        await Admin.PutFlow("rules:\n  - name: main\n    assign: { to: { reps: [ada] }, strategy: round-robin }\n    whenNoneEligible: hold\nfallback: { pool: unassigned }\n");
        var id = (await Admin.PostOk("/api/leads", new { firstName = "Held", lastName = "Lead", email = "held@example.com" }))["id"].Str();
        await Admin.PostOk("/api/users", new { email = "max@example.com", role = "manager", teamIds = new[] { "sdr" }, password = Password });

        var max = await SignInAsync("max@example.com");
        await InteractiveAsync(max);
        await Expect(max.GetByRole(AriaRole.Heading, new() { Name = "Backlog: held and pooled (1)" })).ToBeVisibleAsync();
        await Expect(max.GetByRole(AriaRole.Row).Filter(new() { HasText = "Held Lead" })).ToContainTextAsync("away");

        await max.GetByRole(AriaRole.Link, new() { Name = "Held Lead" }).ClickAsync();
        await Expect(max).ToHaveURLAsync(new Regex($"/leads/{id}$"));
        await InteractiveAsync(max);
        await Expect(max.GetByRole(AriaRole.Button, new() { Name = "Give to ADA" })).ToBeVisibleAsync(); // the flow's one candidate, with why not
        await max.GetByLabel("Reassign to").ClickAsync();
        await max.Locator(".mud-popover-open").GetByText("BOB", new() { Exact = true }).ClickAsync();
        await max.GetByRole(AriaRole.Button, new() { Name = "Reassign", Exact = true }).ClickAsync();
        await Expect(max.GetByText("Reassigned: given to bob.")).ToBeVisibleAsync();
        await Expect(max.GetByText("picked by max@example.com").First).ToBeVisibleAsync();

        var lead = await (await Admin.GetAsync($"/api/leads/{id}")).Json();
        Assert.Equal("bob", lead["ownerRepId"].Str());
        Assert.Equal("max@example.com", lead["decision"]!["chosenBy"].Str());
        Assert.Equal("hand-picked", lead["decision"]!["strategy"].Str());
        Assert.Contains(lead["decision"]!["candidates"]!.AsArray(), c => c!["repId"].Str() == "ada" && !c["eligible"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AnAdminSavesABrokenFlow_SeesWhere_FixesIt_DryRuns_Saves_AndRollsBack()
    {
        await RoundRobinTeamAsync("ada", "bob");
        await Admin.PostOk("/api/users", new { email = "root@example.com", role = "admin", password = Password });
        var root = await SignInAsync("root@example.com");
        await root.GotoAsync("/admin/flow");
        await InteractiveAsync(root);
        await Expect(root.GetByText("Version 1 is live.")).ToBeVisibleAsync();

        var editor = root.GetByLabel("Flow (YAML)");
        const string broken = "rules:\n  - name: main\n    assign: { to: { team: sdr }, strategy: round-robbin }\nfallback: { pool: unassigned }\n";
        await editor.FillAsync(broken);
        await root.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(root.GetByText("Not saved: the flow has 1 problem; version 1 stays live.")).ToBeVisibleAsync();
        await Expect(root.Locator(".flow-problems")).ToContainTextAsync("Line 3, column 34");
        await Expect(root.Locator(".flow-problems")).ToContainTextAsync("rules[0].assign.strategy");
        await root.ScreenshotAsync(new() { Path = Path.Combine(Browsers.Screenshots, $"flow-{Database.Name}.png"), FullPage = true });

        await editor.FillAsync("rules:\n  - name: ada-only\n    assign: { to: { reps: [ada] }, strategy: round-robin }\nfallback: { pool: unassigned }\n");
        await root.GetByLabel("Or a lead as JSON").FillAsync("{\"email\": \"try@example.com\"}");
        await root.GetByRole(AriaRole.Button, new() { Name = "Dry run" }).ClickAsync();
        await Expect(root.GetByText("Dry run: nothing was written.")).ToBeVisibleAsync();
        await Expect(root.GetByText("ada-only").First).ToBeVisibleAsync();
        Assert.Equal(1, (await (await Admin.GetAsync("/api/routing/flow")).Json())["version"]!.GetValue<int>());

        await root.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(root.GetByText("Saved as version 2: it routes the next lead.")).ToBeVisibleAsync();
        Assert.Equal("ada", (await Admin.PostOk("/api/leads", new { email = "a1@example.com" }))["ownerRepId"].Str());
        Assert.Equal("ada", (await Admin.PostOk("/api/leads", new { email = "a2@example.com" }))["ownerRepId"].Str());

        await root.GetByRole(AriaRole.Button, new() { Name = "Show differences" }).ClickAsync();
        await Expect(root.Locator(".flow-diff .added")).ToHaveTextAsync(["+   - name: ada-only", "+     assign: { to: { reps: [ada] }, strategy: round-robin }"]);
        await Expect(root.Locator(".flow-diff .removed")).ToHaveTextAsync(["-   - name: main", "-     assign: { to: { team: sdr }, strategy: round-robin }"]);
        await Expect(root.GetByText("From version 1 to 2: 2 lines added, 2 removed.")).ToBeVisibleAsync();

        await root.GetByRole(AriaRole.Button, new() { Name = "Roll back to version 1" }).ClickAsync();
        await Expect(root.GetByText("Rolled back: version 1's flow is live again as version 3.")).ToBeVisibleAsync();
        var flow = await (await Admin.GetAsync("/api/routing/flow")).Json();
        Assert.Equal(3, flow["version"]!.GetValue<int>());
        Assert.Contains("team: sdr", flow["document"].Str());
    }

    [Fact]
    public async Task AnAdminSetsUpATeam_APool_AHolidayCalendar_IntakeRules_AndAForm_FromTheScreens()
    {
        await RoundRobinTeamAsync("ada");
        await Admin.PostOk("/api/users", new { email = "root@example.com", role = "admin", password = Password });
        var root = await SignInAsync("root@example.com");

        // A team: a day off that is no date is named at its field; nothing is saved until it is fixed.
        await root.GotoAsync("/admin/teams");
        await InteractiveAsync(root);
        await root.GetByLabel("Id", new() { Exact = true }).FillAsync("ae");
        await root.GetByLabel("Name", new() { Exact = true }).FillAsync("Account executives");
        await root.GetByLabel("Days off for everyone").FillAsync("2026-12-24, 2026-13-01");
        await root.GetByLabel("Per day").FillAsync("40");
        await root.GetByRole(AriaRole.Button, new() { Name = "Add team" }).ClickAsync();
        await Expect(root.GetByText("Not saved: see the fields marked below.")).ToBeVisibleAsync();
        await Expect(root.GetByText("[1]:", new() { Exact = false })).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync("/api/teams/ae")).StatusCode);
        await root.GetByLabel("Days off for everyone").FillAsync("2026-12-24");
        await root.GetByRole(AriaRole.Button, new() { Name = "Add team" }).ClickAsync();
        await Expect(root.GetByText("Added Account executives (ae).")).ToBeVisibleAsync();
        var ae = await (await Admin.GetAsync("/api/teams/ae")).Json();
        Assert.Equal("[\"2026-12-24\"]", ae["holidays"]!.ToJsonString());
        Assert.Equal(40, ae["caps"]!["perDay"]!.GetValue<int>());

        // A team with members is not removed, and the screen says why.
        await root.GetByText("SDR (sdr)", new() { Exact = false }).ClickAsync();
        await root.GetByRole(AriaRole.Button, new() { Name = "Remove team" }).ClickAsync();
        await root.GetByRole(AriaRole.Button, new() { Name = "Yes, remove SDR" }).ClickAsync();
        await Expect(root.GetByText("Not removed: team 'sdr' still has members (ada)", new() { Exact = false })).ToBeVisibleAsync();

        // A pool for the team, escalating after two hours.
        await root.GotoAsync("/admin/pools");
        await InteractiveAsync(root);
        await root.GetByLabel("Id", new() { Exact = true }).FillAsync("hot");
        await root.GetByLabel("Name", new() { Exact = true }).FillAsync("Hot leads");
        await root.GetByLabel("Member teams").ClickAsync();
        await root.Locator(".mud-popover-open").GetByText("SDR (sdr)").ClickAsync();
        await root.Keyboard.PressAsync("Escape");
        await root.GetByLabel("After").FillAsync("2h");
        await root.GetByRole(AriaRole.Button, new() { Name = "Add pool" }).ClickAsync();
        await Expect(root.GetByText("Added pool Hot leads (hot).")).ToBeVisibleAsync();
        var hot = await (await Admin.GetAsync("/api/pools/hot")).Json();
        Assert.Equal("[\"sdr\"]", hot["memberTeamIds"]!.ToJsonString());
        Assert.Equal("2h", hot["escalation"]!["after"].Str());

        // A holiday calendar.
        await root.GotoAsync("/admin/holidays");
        await InteractiveAsync(root);
        await root.GetByLabel("Region").FillAsync("DE-BY");
        await root.GetByLabel("Calendar name").FillAsync("Bavaria");
        await root.GetByLabel("Days off").FillAsync("2026-12-25\n2026-12-26");
        await root.GetByRole(AriaRole.Button, new() { Name = "Save calendar" }).ClickAsync();
        await Expect(root.GetByText("Saved DE-BY: 2 days off.")).ToBeVisibleAsync();
        Assert.Equal("[\"2026-12-25\",\"2026-12-26\"]", (await (await Admin.GetAsync("/api/holidays/DE-BY")).Json())["dates"]!.ToJsonString());

        // Intake rules: a broken condition is shown at its line; the fixed rules are saved as version 1.
        await root.GotoAsync("/admin/intake");
        await InteractiveAsync(root);
        await Expect(root.GetByText("No intake rules yet", new() { Exact = false })).ToBeVisibleAsync();
        var rules = root.GetByLabel("Intake rules (YAML)");
        await rules.FillAsync("disqualify:\n  - name: competitor\n    when: company.domain == \n");
        await root.GetByRole(AriaRole.Button, new() { Name = "Save rules" }).ClickAsync();
        await Expect(root.GetByText("Not saved: the rules have 1 problem; no rules are in force.")).ToBeVisibleAsync();
        await Expect(root.Locator(".flow-problems")).ToContainTextAsync("Line 3");
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync("/api/intake/rules")).StatusCode);
        await rules.FillAsync("disqualify:\n  - name: competitor\n    when: company.domain == 'rival.com'\n");
        await root.GetByRole(AriaRole.Button, new() { Name = "Save rules" }).ClickAsync();
        await Expect(root.GetByText("Saved as version 1: it applies to the next lead.")).ToBeVisibleAsync();
        Assert.Contains("rival.com", await (await Admin.GetAsync("/api/intake/rules")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A form, and its HTML: a post with the snippet's own field names becomes a lead.
        await root.GotoAsync("/admin/forms");
        await InteractiveAsync(root);
        await Expect(root.GetByText("No forms yet", new() { Exact = false })).ToBeVisibleAsync();
        await root.GetByLabel("Key").FillAsync("contact");
        await root.GetByLabel("Form name").FillAsync("Contact us");
        await root.GetByLabel("Field map").FillAsync("mail = email\norg = company.name");
        await root.GetByLabel("Honeypot field").FillAsync("website");
        await root.GetByRole(AriaRole.Button, new() { Name = "Make form" }).ClickAsync();
        await Expect(root.GetByText("Form 'Contact us' made", new() { Exact = false })).ToBeVisibleAsync();
        var snippet = await root.GetByLabel("HTML to embed in your page").InputValueAsync();
        Assert.Contains($"action=\"{Host.BaseAddress.ToString().TrimEnd('/')}/forms/contact\"", snippet, StringComparison.Ordinal);
        Assert.Contains("name=\"mail\"", snippet, StringComparison.Ordinal);
        Assert.Contains("name=\"website\" tabindex=\"-1\"", snippet, StringComparison.Ordinal);
        await root.ScreenshotAsync(new() { Path = Path.Combine(Browsers.Screenshots, $"forms-{Database.Name}.png"), FullPage = true });
        using var anonymous = new HttpClient { BaseAddress = Host.BaseAddress };
        var posted = await anonymous.PostAsync("/forms/contact", new FormUrlEncodedContent(new Dictionary<string, string> { ["mail"] = "lee@acme.io", ["org"] = "Acme", ["website"] = "" }));
        Assert.True(posted.IsSuccessStatusCode || posted.StatusCode == HttpStatusCode.SeeOther, posted.StatusCode.ToString());
        Assert.Single((await (await Admin.GetAsync("/api/leads?q=lee@acme.io")).Json())["items"]!.AsArray());
    }

    /// <summary>Whether the page fits the window's width: nothing to scroll sideways for.</summary>
    private static Task<bool> FitsAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1");

    [Fact]
    public async Task ARepWorksFromAPhoneWidthWindow_InboxLeadPoolAndAvailability_FitWithoutSidewaysScrolling()
    {
        await RoundRobinTeamAsync("ada");
        await Admin.PostOk("/api/pools", new { id = "hot", name = "Hot leads", memberTeamIds = new[] { "sdr" } });
        await RepUserAsync("ada");
        var id = (await Admin.PostOk("/api/leads", new { firstName = "Grace", lastName = "Hopper", email = "grace@example.com", company = new { name = "A company with a rather long name, Incorporated" } }))["id"].Str();

        var phone = await SignInAsync("ada@example.com", width: 390);
        await Expect(phone).ToHaveURLAsync(new Regex("/inbox$"));
        await Expect(phone.GetByRole(AriaRole.Link, new() { Name = "Grace Hopper" })).ToBeVisibleAsync();
        Assert.True(await FitsAsync(phone), "the inbox scrolls sideways at 390 px");
        await phone.ScreenshotAsync(new() { Path = Path.Combine(Browsers.Screenshots, $"inbox-phone-{Database.Name}.png"), FullPage = true });

        await phone.GetByRole(AriaRole.Link, new() { Name = "Grace Hopper" }).ClickAsync();
        await Expect(phone).ToHaveURLAsync(new Regex($"/leads/{id}$"));
        await InteractiveAsync(phone);
        await Expect(phone.GetByRole(AriaRole.Button, new() { Name = "Accept" })).ToBeInViewportAsync();
        Assert.True(await FitsAsync(phone), "the lead page scrolls sideways at 390 px");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Expect(phone.GetByText("Accepted: the lead is yours.")).ToBeVisibleAsync();
        await phone.ScreenshotAsync(new() { Path = Path.Combine(Browsers.Screenshots, $"lead-phone-{Database.Name}.png"), FullPage = true });

        foreach (var path in new[] { "/pools/hot", "/me" })
        {
            await phone.GotoAsync(path);
            await InteractiveAsync(phone);
            Assert.True(await FitsAsync(phone), $"{path} scrolls sideways at 390 px");
        }
    }

    [Fact]
    public async Task ASignedInPerson_IsSignedInOnASecondInstanceOfTheSameDatabase_ItsKeysLiveThere()
    {
        await RoundRobinTeamAsync("ada");
        await RepUserAsync("ada");
        var page = await SignInAsync("ada@example.com");
        await Expect(page).ToHaveURLAsync(new Regex("/inbox$"));

        await using var second = await ServiceHost.StartAsync(Host.Db);
        await page.GotoAsync(new Uri(second.BaseAddress, "/inbox").ToString()); // the same cookie (cookies do not name a port)
        await Expect(page).ToHaveURLAsync(new Regex($"{Regex.Escape(second.BaseAddress.Authority)}/inbox$"));
        await Expect(page.GetByText("You have no open leads")).ToBeVisibleAsync();

        await using var scope = second.Services.CreateAsyncScope();
        Assert.NotEqual(0, await scope.ServiceProvider.GetRequiredService<Switchboard.Storage.SwitchboardDb>().DataProtectionKeys.CountAsync());
    }

    /// <summary>axe-core's findings on the page that a screen-reader or keyboard user would hit (impact serious or critical).</summary>
    private static async Task<List<string>> BarriersAsync(IPage page, string screen)
    {
        var result = await page.RunAxe();
        return [.. result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{screen}: {v.Id} ({v.Impact}) {v.Help} at {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}")];
    }

    [Fact]
    public async Task EveryMainScreen_HasNoSeriousAccessibilityBarriers()
    {
        await RoundRobinTeamAsync("ada");
        await Admin.PostOk("/api/pools", new { id = "hot", name = "Hot leads", memberTeamIds = new[] { "sdr" } });
        await Admin.PostOk("/api/forms", new { key = "contact", name = "Contact us" });
        await RepUserAsync("ada");
        await Admin.PostOk("/api/users", new { email = "root@example.com", role = "admin", password = Password });
        var id = (await Admin.PostOk("/api/leads", new { firstName = "Grace", lastName = "Hopper", email = "grace@example.com" }))["id"].Str();
        var barriers = new List<string>();

        var anonymous = await (await Browsers.GetAsync()).NewContextAsync(new BrowserNewContextOptions { BaseURL = Host.BaseAddress.ToString() });
        _contexts.Add(anonymous);
        var signIn = await anonymous.NewPageAsync();
        await signIn.GotoAsync("/signin");
        barriers.AddRange(await BarriersAsync(signIn, "/signin"));

        var ada = await SignInAsync("ada@example.com");
        foreach (var path in new[] { "/inbox", $"/leads/{id}", "/pools", "/pools/hot", "/me", "/leads" })
        {
            await ada.GotoAsync(path);
            await InteractiveAsync(ada);
            barriers.AddRange(await BarriersAsync(ada, path));
        }

        var root = await SignInAsync("root@example.com");
        foreach (var path in new[] { "/team", "/admin/flow", "/admin/teams", "/admin/reps", "/admin/pools", "/admin/holidays", "/admin/intake", "/admin/forms", "/admin/users", "/admin/keys", "/admin/webhooks" })
        {
            await root.GotoAsync(path);
            await InteractiveAsync(root);
            barriers.AddRange(await BarriersAsync(root, path));
        }

        Assert.True(barriers.Count == 0, string.Join("\n", barriers));
    }

    protected override async ValueTask TearDownAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task AnAdminSetsUpARep_TheirSignIn_AKey_AndAWebhook_FixingWhatTheScreensFlag()
    {
        await RoundRobinTeamAsync("ada");
        await Admin.PostOk("/api/users", new { email = "root@example.com", role = "admin", password = Password });
        var root = await SignInAsync("root@example.com");

        // A rep with working hours: a malformed Monday is named next to its field, and nothing is saved.
        await root.GotoAsync("/admin/reps");
        await InteractiveAsync(root);
        await root.GetByLabel("Id", new() { Exact = true }).FillAsync("cy");
        await root.GetByLabel("Name", new() { Exact = true }).FillAsync("Cy Young");
        await root.GetByLabel("Monday").FillAsync("9-5");
        await root.GetByLabel("Per day").FillAsync("5");
        await root.GetByRole(AriaRole.Button, new() { Name = "Add rep" }).ClickAsync();
        await Expect(root.GetByText("Not saved: see the fields marked below.")).ToBeVisibleAsync();
        await Expect(root.GetByText("each block is", new() { Exact = false }).First).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync("/api/reps/cy")).StatusCode);
        await root.GetByLabel("Monday").FillAsync("09:00-12:00, 13:00-17:00");
        await root.GetByRole(AriaRole.Button, new() { Name = "Add rep" }).ClickAsync();
        await Expect(root.GetByText("Added Cy Young (cy).")).ToBeVisibleAsync();
        var cy = await (await Admin.GetAsync("/api/reps/cy")).Json();
        Assert.Equal("[[\"09:00\",\"12:00\"],[\"13:00\",\"17:00\"]]", cy["workingHours"]!["mon"]!.ToJsonString());
        Assert.Equal(5, cy["caps"]!["perDay"]!.GetValue<int>());

        // Their sign-in: an invitation link to choose a password, which works.
        await root.GotoAsync("/admin/users");
        await InteractiveAsync(root);
        await root.GetByLabel("Email").FillAsync("cy@example.com");
        await root.GetByLabel("Rep record").ClickAsync();
        await root.Locator(".mud-popover-open").GetByText("Cy Young (cy)").ClickAsync();
        await root.GetByRole(AriaRole.Button, new() { Name = "Add person" }).ClickAsync();
        await Expect(root.GetByText("Added cy@example.com.", new() { Exact = false })).ToBeVisibleAsync();
        var link = await root.Locator("code.invite-link").InnerTextAsync();
        Assert.Contains("/account/password", link, StringComparison.Ordinal);
        var users = await (await Admin.GetAsync("/api/users")).JsonArray();
        Assert.Contains(users, u => u!["email"].Str() == "cy@example.com" && u["repId"].Str() == "cy" && !u["hasPassword"]!.GetValue<bool>());

        // A key: shown once, works, and stops working when revoked.
        await root.GotoAsync("/admin/keys");
        await InteractiveAsync(root);
        await root.GetByLabel("Name").FillAsync("Website backend");
        await root.GetByRole(AriaRole.Button, new() { Name = "Make key" }).ClickAsync();
        var secret = await root.Locator("code.key-secret").InnerTextAsync();
        Assert.StartsWith("sb_", secret, StringComparison.Ordinal);
        using (var website = Host.Client(secret))
        {
            Assert.Equal(HttpStatusCode.Created, (await website.PostAsJsonAsync("/api/leads", new { email = "site@example.com" })).StatusCode);
            await root.GetByRole(AriaRole.Button, new() { Name = "Revoke Website backend" }).ClickAsync();
            await root.GetByRole(AriaRole.Button, new() { Name = "Yes, revoke Website backend" }).ClickAsync();
            await Expect(root.GetByText("Key 'Website backend' is revoked", new() { Exact = false })).ToBeVisibleAsync();
            Assert.Equal(HttpStatusCode.Unauthorized, (await website.PostAsJsonAsync("/api/leads", new { email = "site2@example.com" })).StatusCode);
        }

        // A webhook: its delivery log, and one delivery sent again by hand.
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var receiver = builder.Build();
        receiver.MapPost("/hook", (HttpRequest r) =>
        {
            received.Enqueue(r.Headers["webhook-id"].ToString());
            return Results.Ok();
        });
        await receiver.StartAsync();
        var url = receiver.Urls.First() + "/hook";
        await root.GotoAsync("/admin/webhooks");
        await InteractiveAsync(root);
        await root.GetByLabel("Address (URL)").FillAsync("ftp://example.com/hook");
        await root.GetByRole(AriaRole.Button, new() { Name = "Subscribe" }).ClickAsync();
        await Expect(root.GetByText("Not subscribed: see the fields below.")).ToBeVisibleAsync();
        await root.GetByLabel("Address (URL)").FillAsync(url);
        await root.GetByRole(AriaRole.Button, new() { Name = "Subscribe" }).ClickAsync();
        Assert.StartsWith("whsec_", await root.Locator("code.webhook-secret").InnerTextAsync(), StringComparison.Ordinal);
        var hookId = (await (await Admin.GetAsync("/api/webhooks")).JsonArray()).Single(w => w!["url"].Str() == url)!["id"].Str();
        await Admin.PostOk("/api/leads", new { firstName = "Hook", lastName = "Lead", email = "hook@example.com" });
        for (var i = 0; i < 200 && !(await (await Admin.GetAsync($"/api/webhooks/{hookId}/deliveries")).JsonArray()).Any(d => d!["status"].Str() == "delivered"); i++)
        {
            await Task.Delay(100); // the service sends on its own clock; the screen is read once it has
        }

        await root.GetByRole(AriaRole.Button, new() { Name = $"Deliveries to {url}" }).ClickAsync();
        var first = root.Locator(".deliveries tbody tr").Filter(new() { HasText = "delivered" }).First;
        await Expect(first).ToBeVisibleAsync();
        var resend = first.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Send .* again$") });
        var eventId = Regex.Match((await resend.GetAttributeAsync("aria-label"))!, "^Send (.*) again$").Groups[1].Value;
        Assert.Single(received, id => id == eventId);
        await resend.ClickAsync();
        await Expect(root.GetByText("is queued to be sent again", new() { Exact = false })).ToBeVisibleAsync();
        for (var i = 0; i < 200 && received.Count(id => id == eventId) < 2; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(2, received.Count(id => id == eventId)); // the same event, under its own id, once more
        await root.GetByRole(AriaRole.Button, new() { Name = $"Deliveries to {url}" }).ClickAsync();
        await Expect(root.Locator(".deliveries tbody tr").Filter(new() { HasText = eventId }).Locator("ul.attempts li")).ToHaveCountAsync(2);
        await root.ScreenshotAsync(new() { Path = Path.Combine(Browsers.Screenshots, $"webhooks-{Database.Name}.png"), FullPage = true });
    }
}

public sealed class SqliteAppTests() : AppTests(new SqliteDatabase());

public sealed class PostgresAppTests() : AppTests(new PostgresDatabase());
