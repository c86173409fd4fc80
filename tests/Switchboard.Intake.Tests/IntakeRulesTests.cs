using Switchboard.Leads;

namespace Switchboard.Intake.Tests;

public class IntakeRulesTests
{
    private static IntakeRules Rules()
    {
        var (rules, errors) = IntakeRules.Compile(new IntakeRulesDocument
        {
            Disqualify =
            [
                new DisqualifyDocument { Name = "competitor", When = "company.domain in ['rival.com', 'othercorp.io']" },
                new DisqualifyDocument { Name = "no-contact", When = "email is null and phone is null" },
            ],
            Scoring = new ScoringDocument
            {
                Fit =
                [
                    new PointsDocument { Name = "senior title", When = "title contains 'VP' or title contains 'Head'", Points = 30 },
                    new PointsDocument { Name = "enterprise", When = "company.employees >= 1000", Points = 30 },
                ],
                Intent = [new PointsDocument { Name = "demo request", When = "source == 'demo-request'", Points = 50 }],
                Grades = new() { ["A"] = 60, ["B"] = 30 },
                Mql = 50,
            },
        }, 3);
        Assert.Empty(errors);
        return rules!;
    }

    [Fact]
    public void Qualify_DisqualifiedByTheFirstRuleThatHolds()
    {
        var q = Rules().Qualify(new Lead { Id = "l", Email = "x@rival.com", Company = new Company { Domain = "rival.com" } });

        Assert.Equal("competitor", q.DisqualifiedBy);
        Assert.Equal("disqualified by 'competitor': company.domain in ['rival.com', 'othercorp.io']", q.DisqualifiedReason);
        Assert.Equal("no-contact", Rules().Qualify(new Lead { Id = "l" }).DisqualifiedBy);
    }

    [Fact]
    public void Qualify_FitAndIntentPointsGradeAndMql()
    {
        var hot = Rules().Qualify(new Lead { Id = "l", Email = "a@b.co", Title = "VP Sales", Source = "demo-request", Company = new Company { Employees = 5000 } });
        var cold = Rules().Qualify(new Lead { Id = "l", Email = "a@b.co", Title = "Head of IT" });

        Assert.Equal((100, "A", true), (hot.Score, hot.Grade, hot.Mql)); // 110 clamped to 100
        Assert.Equal(["fit +30: senior title", "fit +30: enterprise", "intent +50: demo request"], hot.Reasons);
        Assert.Equal((30, "B", false, "nurture"), (cold.Score, cold.Grade, cold.Mql, cold.NurturePool));
    }

    [Fact]
    public void Compile_ErrorsNameTheFieldAndPosition()
    {
        var (_, errors) = IntakeRules.Compile(new IntakeRulesDocument
        {
            Disqualify = [new DisqualifyDocument { Name = "bad", When = "email ==" }],
            Scoring = new ScoringDocument { Fit = [new PointsDocument { When = "score > 1" }], Mql = 120 },
        }, 1);

        Assert.Equal(["disqualify[0].when", "scoring.fit[0].points", "scoring.mql", "scoring.mql"], errors.Select(e => e.Field));
        Assert.NotNull(errors[0].Position);
    }
}
