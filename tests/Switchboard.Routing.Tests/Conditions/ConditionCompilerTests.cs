using Switchboard.Leads;
using Switchboard.Leads.Conditions;

namespace Switchboard.Routing.Tests.Conditions;

public class ConditionCompilerTests
{
    private static readonly Lead Acme = new()
    {
        Id = "l1",
        Email = "Ada@Acme.com",
        Title = "VP Sales",
        Country = "US",
        Language = "de",
        Value = 120_000,
        Company = new Company { Name = "Acme", Employees = 5000, Industry = "Software" },
        Attributes = new Dictionary<string, object?> { ["vip"] = true, ["plan"] = "enterprise", ["seats"] = 40d, ["budget"] = "25000" },
    };

    [Theory]
    [InlineData("company.employees >= 1000 and country in ['US', 'CA']", true)]
    [InlineData("company.employees >= 1000 and country in ['DE']", false)]
    [InlineData("country == 'us'", true)]
    [InlineData("country != 'US'", false)]
    [InlineData("language == 'de' or value > 1000000", true)]
    [InlineData("not (language == 'de')", false)]
    [InlineData("title startsWith 'vp'", true)]
    [InlineData("email endsWith '@acme.com'", true)]
    [InlineData("company.name contains 'cm'", true)]
    [InlineData("region is null", true)]
    [InlineData("region is not null", false)]
    [InlineData("city == null", true)]
    [InlineData("attributes.vip", true)]
    [InlineData("attributes.vip == true and attributes.plan == 'enterprise'", true)]
    [InlineData("attributes.seats > 30", true)]
    [InlineData("attributes.budget >= 20000", true)]
    [InlineData("attributes.missing == 'x'", false)]
    [InlineData("attributes.missing is null", true)]
    [InlineData("country not in ['US', 'CA']", false)]
    [InlineData("value >= 100_000 && company.industry == 'software'", true)]
    [InlineData("!(value < 100000) || country == 'FR'", true)]
    [InlineData("postalCode > '10000'", false)]
    public void Evaluate_ExampleConditions_MatchExpectation(string expression, bool expected)
    {
        var result = Condition.Compile(expression);

        Assert.True(result.Ok, result.Error?.ToString());
        Assert.Equal(expected, result.Condition!.Evaluate(Acme));
    }

    [Theory]
    [InlineData("company.employees >= and", 22, "expected a field or a value")]
    [InlineData("countri == 'US'", 1, "unknown field 'countri'")]
    [InlineData("country = 'US'", 9, "use '=='")]
    [InlineData("country == 'US", 12, "not closed")]
    [InlineData("country in 'US'", 12, "expected '['")]
    [InlineData("company.employees >= 'many'", 19, "cannot compare")]
    [InlineData("email.ToUpper() == 'X'", 1, "function calls are not allowed")]
    [InlineData("country == 'US' language == 'de'", 17, "expected 'and', 'or' or the end")]
    [InlineData("(country == 'US'", 17, "expected ')'")]
    [InlineData("country", 8, "is not a condition")]
    [InlineData("value > 5 and", 14, "ends too early")]
    [InlineData("country in [region]", 13, "list items must be literals")]
    public void Compile_BadExpression_ReportsPositionAndReason(string expression, int position, string reason)
    {
        var result = Condition.Compile(expression);

        Assert.False(result.Ok);
        Assert.Equal(position, result.Error!.Position);
        Assert.Contains(reason, result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NullFieldInComparison_IsFalseNotAnError()
    {
        var lead = new Lead { Id = "l" };

        Assert.False(Condition.Compile("company.employees >= 10").Condition!.Evaluate(lead));
        Assert.False(Condition.Compile("company.employees < 10").Condition!.Evaluate(lead));
        Assert.False(Condition.Compile("title contains 'x'").Condition!.Evaluate(lead));
    }

    [Fact]
    public void Compile_HundredThousandNestedParentheses_RefusedAtTheFirstTooDeep_NoStackOverflow()
    {
        Assert.False(Condition.Compile(new string('(', 100_000) + "country == 'US'" + new string(')', 100_000)).Ok); // too long already

        var result = Condition.Compile(new string('(', 30_000) + "country == 'US'" + new string(')', 30_000));

        Assert.False(result.Ok);
        Assert.Equal(33, result.Error!.Position); // the 33rd parenthesis
        Assert.Contains("nest at most 32 deep", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("nest at most 32 deep", Condition.Compile(string.Concat(Enumerable.Repeat("not ", 10_000)) + "attributes.vip").Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_ThirtyTwoDeep_Compiles()
    {
        var condition = Condition.Compile(new string('(', 30) + "not (country == 'US')" + new string(')', 30)).Condition!;

        Assert.False(condition.Evaluate(Acme));
    }

    [Fact]
    public void Compile_MillionsOfOrTerms_RefusedByLength_QuicklyAndWithoutMemoryBlowUp()
    {
        var huge = string.Join(" or ", Enumerable.Repeat("country == 'US'", 2_900_000)); // ~55 MB of text

        var result = Condition.Compile(huge);

        Assert.False(result.Ok);
        Assert.Equal(65_537, result.Error!.Position);
        Assert.Contains("at most 65,536 characters", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_ThousandTests_EvaluatesWithoutDeepStack_OneMoreIsRefused()
    {
        var tests = Enumerable.Range(0, 999).Select(i => $"value == {i}").Append("country == 'US'");

        Assert.True(Condition.Compile(string.Join(" or ", tests)).Condition!.Evaluate(Acme));
        Assert.False(Condition.Compile(string.Join(" and ", tests)).Condition!.Evaluate(Acme));
        var tooMany = Condition.Compile(string.Join(" or ", tests.Append("country == 'CA'")));
        Assert.Contains("at most 1,000 tests", tooMany.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_ListsOverTenThousandItemsInAll_Refused()
    {
        var numbers = string.Join(", ", Enumerable.Range(0, 5_001));

        Assert.True(Condition.Compile($"value in [{numbers}]").Ok);
        var result = Condition.Compile($"value in [{numbers}] or company.employees in [{numbers}]");
        Assert.Contains("at most 10,000 items in all", result.Error!.Message, StringComparison.Ordinal);
    }
}
