using Bunit;
using MudBlazor.Services;
using Switchboard.App;
using Switchboard.App.Pages;
using Switchboard.Routing.Lifecycle;
using Switchboard.Storage;
using Switchboard.Views;

namespace Switchboard.Tests.App;

/// <summary>
/// The logic that lives in the app's components, rendered by bUnit without a browser or a host: the
/// lead list's links and countdowns, the decision trace drawn for a person, and field errors shown
/// next to the input the shared checks name.
/// </summary>
public sealed class ComponentTests : BunitContext
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    public ComponentTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void LeadList_LinksEachLeadByFullName_AndCountsDownToItsNextDeadline_MarkingTheOverdue()
    {
        var leads = new[]
        {
            new LeadRow { Id = "ld_1", Status = LeadStatus.Assigned, FirstName = "Grace", LastName = "Hopper", AcceptDueAt = Now.AddMinutes(4).AddSeconds(5) },
            new LeadRow { Id = "ld_2", Status = LeadStatus.Accepted, Email = "alan@example.com", AcceptedAt = Now.AddHours(-1), TouchDueAt = Now.AddMinutes(-130) },
            new LeadRow { Id = "ld_3", Status = LeadStatus.Offered, FirstName = "Ada", OfferExpiresAt = Now.AddSeconds(45) },
        };

        var list = Render<LeadList>(p => p.Add(c => c.Leads, leads).Add(c => c.Now, Now));

        var rows = list.FindAll("tbody tr");
        Assert.Equal("/leads/ld_1", rows[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("Grace Hopper", rows[0].QuerySelector("a")!.TextContent);
        Assert.Equal("accept by in 4 min 05 s", rows[0].QuerySelector(".countdown")!.TextContent.Trim());
        Assert.Equal("alan@example.com", rows[1].QuerySelector("a")!.TextContent); // no name: the email stands in
        Assert.Equal("first touch due overdue by 2 h 10 min", rows[1].QuerySelector(".countdown")!.TextContent.Trim());
        Assert.Contains("overdue", rows[1].QuerySelector(".countdown")!.ClassList);
        Assert.DoesNotContain("overdue", rows[0].QuerySelector(".countdown")!.ClassList);
        Assert.Equal("offer ends in 0 min 45 s", rows[2].QuerySelector(".countdown")!.TextContent.Trim());
    }

    [Fact]
    public void WhyPanel_DrawsTheRulesTried_TheCandidatesWithReasons_TheChosenOne_AndWhoPicked()
    {
        var decision = new DecisionView(
            "assigned", 3, "enterprise", "hand-picked", "bob", null, null,
            [new CandidateView("ada", false, ["away until 12:00"]), new CandidateView("bob", true, ["in team ae", "2 of 5 open"])],
            "picked by max@example.com: bob was an eligible candidate",
            [new RuleView("smb", false, "company.employees < 50 is false"), new RuleView("enterprise", true, "")],
            "{\"ada\":3,\"bob\":2}", "{\"ada\":3,\"bob\":3}", ChosenBy: "max@example.com");

        var panel = Render<WhyPanel>(p => p.Add(c => c.Decision, decision));

        Assert.Contains("picked by max@example.com: bob was an eligible candidate", panel.Markup, StringComparison.Ordinal);
        var rules = panel.FindAll("ol.rules li").Select(li => li.TextContent).ToList();
        Assert.Equal(["✘ no match: smb — company.employees < 50 is false", "✔ matched: enterprise"], rules);
        var chosen = panel.Find("tr.chosen");
        Assert.Equal(["bob (chosen)", "yes", "in team ae; 2 of 5 open"], chosen.QuerySelectorAll("td").Select(td => td.TextContent).ToArray());
        Assert.Contains(panel.FindAll("tbody tr"), tr => tr.TextContent.Contains("away until 12:00", StringComparison.Ordinal) && tr.TextContent.Contains("no", StringComparison.Ordinal));
        Assert.Contains("{\"ada\":3,\"bob\":3}", panel.Markup.Replace("&quot;", "\"", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void WhyPanel_ForALeadNeverRouted_SaysSo()
    {
        var panel = Render<WhyPanel>(p => p.Add(c => c.Decision, null));

        Assert.Contains("This lead was never routed", panel.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void FormErrors_AnInputShowsTheErrorsOfItsOwnField_AndOfTheItemsUnderIt_NotOfItsNeighbours()
    {
        var errors = new FieldErrors();
        errors.Add("holidays[1]", "'2026-13-01' is not a date (yyyy-MM-dd)");
        errors.Add("caps.perDay", "at least 0");
        errors.Add("caps", "one cap is wrong");
        errors.Add("holidaysExtra", "a neighbour with a longer name");

        var shown = new FormErrors(errors);

        Assert.True(shown.Has("holidays"));
        Assert.Equal("[1]: '2026-13-01' is not a date (yyyy-MM-dd)", shown.Of("holidays"));
        Assert.Equal("at least 0", shown.Of("caps.perDay"));
        Assert.Equal("one cap is wrong; perDay: at least 0", shown.Of("caps"));
        Assert.False(shown.Has("caps.perHour"));
        Assert.Null(shown.Of("name"));
        Assert.Equal(["holidaysExtra: a neighbour with a longer name"], shown.Outside("holidays", "caps"));
        Assert.Equal(["a", "b c"], FormErrors.ListOf(" a, ,b c ,"));
    }
}
