
namespace Switchboard.Leads.Conditions;

/// <summary>A condition compiled once per flow version into plain delegates: no reflection, no I/O.</summary>
public sealed class Condition
{
    private readonly Func<Lead, bool> _evaluate;

    internal Condition(string source, Func<Lead, bool> evaluate)
    {
        Source = source;
        _evaluate = evaluate;
    }

    public string Source { get; }

    public bool Evaluate(Lead lead) => _evaluate(lead);

    /// <summary>Compiles an expression, or returns the first error with its 1-based character position.</summary>
    public static ConditionResult Compile(string source) => ConditionCompiler.Compile(source);
}

public sealed record ConditionError(int Position, string Message)
{
    public override string ToString() => $"at position {Position}: {Message}";
}

public readonly record struct ConditionResult(Condition? Condition, ConditionError? Error)
{
    public bool Ok => Condition is not null;
}
