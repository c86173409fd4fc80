using CsCheck;
using Switchboard.Leads;
using Switchboard.Leads.Conditions;

namespace Switchboard.Routing.Tests.Conditions;

/// <summary>
/// Conditions from hostile hands: token soup, random text and deep nesting. Compiling never throws (an
/// error is a value with a position inside the text), and a condition that compiles evaluates on any
/// lead without throwing. <c>SWITCHBOARD_FUZZ_ITERATIONS</c> runs it longer (bench/README.md).
/// </summary>
public class ConditionFuzzTests
{
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("SWITCHBOARD_FUZZ_ITERATIONS"), out var n) ? n : 20_000;

    private static readonly string[] Tokens =
    [
        "country", "company.employees", "attributes.x", "attributes.vip", "score", "email", "value", "region",
        "==", "!=", "<", "<=", ">", ">=", "=", "and", "or", "not", "in", "is", "null", "contains", "startsWith", "endsWith",
        "&&", "||", "!", "(", ")", "[", "]", ",", "'US'", "'", "\"", "''", "'a''b'", "1", "-1", "1.5", "1_000", "1e309", "true", "false",
        "é", "\u0000", "\uFFFE", "\uD800", "🙂", " ", "\t", "\n", "x(", "..", "-",
    ];

    private static readonly Lead[] Leads =
    [
        new() { Id = "empty" },
        new()
        {
            Id = "full", Email = "a@b.io", Country = "US", Region = "CA", Score = 70, Value = 12.5m,
            Company = new Company { Name = "Acme", Employees = 5000 },
            Attributes = new Dictionary<string, object?> { ["x"] = "text", ["vip"] = true, ["n"] = 3d, ["none"] = null },
        },
    ];

    private static void CompilesOrSaysWhere(string text)
    {
        var result = Condition.Compile(text);
        if (result.Condition is { } condition)
        {
            foreach (var lead in Leads)
            {
                _ = condition.Evaluate(lead);
            }
        }
        else
        {
            Assert.InRange(result.Error!.Position, 1, Math.Max(text.Length, ConditionCompiler.MaxLength) + 1);
            Assert.False(string.IsNullOrWhiteSpace(result.Error.Message));
        }
    }

    [Fact]
    public void TokenSoup_NeverThrows()
    {
        Gen.Int[0, Tokens.Length - 1].Array[0, 40]
            .Select(picks => string.Join(" ", picks.Select(i => Tokens[i])))
            .Sample(CompilesOrSaysWhere, iter: Iterations);
    }

    [Fact]
    public void RandomText_NeverThrows()
    {
        Gen.String.Sample(CompilesOrSaysWhere, iter: Iterations);
        Gen.Char.Array[0, 200].Select(c => new string(c)).Sample(CompilesOrSaysWhere, iter: Iterations / 4);
    }

    [Fact]
    public void DeepAndLongShapes_NeverThrow()
    {
        Gen.Select(Gen.Int[0, 100_000], Gen.Int[0, 3]).Sample((depth, shape) =>
        {
            var text = shape switch
            {
                0 => new string('(', depth) + "score > 1" + new string(')', depth),
                1 => string.Concat(Enumerable.Repeat("not ", Math.Min(depth, 20_000))) + "attributes.vip",
                2 => string.Join(" or ", Enumerable.Repeat("score > 1", Math.Min(depth, 5_000))),
                _ => "country in [" + string.Join(",", Enumerable.Repeat("'US'", Math.Min(depth, 15_000))) + "]",
            };
            CompilesOrSaysWhere(text);
        }, iter: 200);
    }
}
