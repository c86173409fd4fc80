using System.Globalization;
using Switchboard.Leads;
using Switchboard.Leads.Conditions;

namespace Switchboard.Intake;

// The intake rules document as an admin writes it (YAML or JSON): what disqualifies a lead, how it
// scores, and the MQL threshold that decides whether it is routed or sent to nurture.

public sealed class IntakeRulesDocument
{
    /// <summary>Whether a lead needs an email or a phone, some way to reach the person, to be taken. The default value is true.</summary>
    public bool? RequireContact { get; set; }

    public List<DisqualifyDocument>? Disqualify { get; set; }
    public ScoringDocument? Scoring { get; set; }
}

public sealed class DisqualifyDocument
{
    public string? Name { get; set; }
    public string? When { get; set; }
}

public sealed class ScoringDocument
{
    /// <summary>Points for who the lead is (title, size, industry, country).</summary>
    public List<PointsDocument>? Fit { get; set; }

    /// <summary>Points for what the lead did or wants (source, product interest, form answers).</summary>
    public List<PointsDocument>? Intent { get; set; }

    /// <summary>Grades by fit points, best first, e.g. <c>{ A: 60, B: 40, C: 20 }</c>; below every one is D.</summary>
    public Dictionary<string, int>? Grades { get; set; }

    /// <summary>Total score (0-100) from which a lead is marketing-qualified and routed.</summary>
    public int? Mql { get; set; }

    /// <summary>Where leads below the MQL threshold go. The default value is the pool <c>nurture</c>.</summary>
    public string? NurturePool { get; set; }
}

public sealed class PointsDocument
{
    public string? Name { get; set; }
    public string? When { get; set; }
    public int? Points { get; set; }
}

/// <summary>What intake concluded about one lead, with every reason.</summary>
public sealed record Qualification(
    string? DisqualifiedBy,
    string? DisqualifiedReason,
    int? Score,
    string? Grade,
    IReadOnlyList<string> Reasons,
    bool? Mql,
    string? NurturePool);

/// <summary>Compiled intake rules: conditions compiled once per version, like flows.</summary>
public sealed class IntakeRules
{
    private sealed record Disqualifier(string Name, Condition When);

    private sealed record Points(string Name, string Kind, Condition When, int Value);

    private readonly List<Disqualifier> _disqualify;
    private readonly List<Points> _points;
    private readonly List<(string Grade, int Min)> _grades;
    private readonly int? _mql;
    private readonly string _nurturePool;

    private IntakeRules(int version, List<Disqualifier> disqualify, List<Points> points, List<(string, int)> grades, int? mql, string nurturePool, bool requireContact = true)
    {
        Version = version;
        RequireContact = requireContact;
        _disqualify = disqualify;
        _points = points;
        _grades = grades;
        _mql = mql;
        _nurturePool = nurturePool;
    }

    public int Version { get; }

    public bool Scores => _points.Count > 0;

    /// <summary>Whether a lead without email and phone is refused (see <see cref="IntakeRulesDocument.RequireContact"/>).</summary>
    public bool RequireContact { get; }

    /// <summary>Why a lead cannot be taken at all, before anything is stored, or null: the field and the reason.</summary>
    public (string Field, string Reason)? Refuse(string? email, string? phone) =>
        RequireContact && email is null && phone is null
            ? ("email", "a lead needs an email or a phone, some way to reach the person (intake rules: requireContact)")
            : null;

    /// <summary>No rules: nothing is disqualified or scored.</summary>
    public static readonly IntakeRules None = new(0, [], [], [], null, "nurture");

    /// <summary>Rules in each list of the document (disqualify, fit, intent).</summary>
    public const int MaxRules = 1_000;

    public static (IntakeRules? Rules, IReadOnlyList<FlowError> Errors) Compile(IntakeRulesDocument document, int version)
    {
        var errors = new List<FlowError>();
        foreach (var (field, count) in new[] { ("disqualify", document.Disqualify?.Count ?? 0), ("scoring.fit", document.Scoring?.Fit?.Count ?? 0), ("scoring.intent", document.Scoring?.Intent?.Count ?? 0) })
        {
            if (count > MaxRules)
            {
                errors.Add(new FlowError(field, $"at most {MaxRules:N0} rules; this list has {count:N0}"));
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors); // every lead is checked against every rule: their number bounds the time it takes
        }

        var disqualify = new List<Disqualifier>();
        foreach (var (rule, i) in (document.Disqualify ?? []).Select((r, i) => (r, i)))
        {
            var name = string.IsNullOrWhiteSpace(rule?.Name) ? $"#{i + 1}" : rule.Name.Trim();
            if (CompileCondition(rule?.When, $"disqualify[{i}].when", name, errors) is { } when)
            {
                disqualify.Add(new Disqualifier(name, when));
            }
        }

        var points = new List<Points>();
        var scoring = document.Scoring;
        foreach (var (kind, list) in new[] { ("fit", scoring?.Fit), ("intent", scoring?.Intent) })
        {
            foreach (var (rule, i) in (list ?? []).Select((r, i) => (r, i)))
            {
                var at = $"scoring.{kind}[{i}]";
                var name = string.IsNullOrWhiteSpace(rule?.Name) ? rule?.When?.Trim() ?? $"#{i + 1}" : rule.Name.Trim();
                if (rule?.Points is not { } value || value is < -100 or > 100)
                {
                    errors.Add(new FlowError($"{at}.points", $"'{name}': points between -100 and 100 are required", name));
                    continue;
                }

                if (CompileCondition(rule.When, $"{at}.when", name, errors) is { } when)
                {
                    points.Add(new Points(name, kind, when, value));
                }
            }
        }

        var grades = (scoring?.Grades ?? []).Select(g => (g.Key, g.Value)).OrderByDescending(g => g.Value).ToList();
        if (scoring?.Mql is < 0 or > 100)
        {
            errors.Add(new FlowError("scoring.mql", "the MQL threshold is a score between 0 and 100"));
        }

        if (scoring?.Mql is not null && points.Count == 0)
        {
            errors.Add(new FlowError("scoring.mql", "an MQL threshold needs fit or intent points to score leads by"));
        }

        var pool = scoring?.NurturePool?.Trim() is { Length: > 0 } p ? p : "nurture";
        return errors.Count > 0 ? (null, errors) : (new IntakeRules(version, disqualify, points, grades, scoring?.Mql, pool, document.RequireContact ?? true), errors);
    }

    private static Condition? CompileCondition(string? text, string at, string name, List<FlowError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(new FlowError(at, $"'{name}' needs a condition ('when')", name));
            return null;
        }

        var compiled = Condition.Compile(text);
        if (compiled.Error is { } e)
        {
            errors.Add(new FlowError(at, $"'{name}': {e}", name, e.Position));
        }

        return compiled.Condition;
    }

    /// <summary>Disqualifies (first rule that holds), or scores: fit + intent points, clamped to 0-100, a grade and the MQL verdict.</summary>
    public Qualification Qualify(Lead lead)
    {
        foreach (var rule in _disqualify)
        {
            if (rule.When.Evaluate(lead))
            {
                return new Qualification(rule.Name, $"disqualified by '{rule.Name}': {rule.When.Source}", null, null, [], null, null);
            }
        }

        if (_points.Count == 0)
        {
            return new Qualification(null, null, null, null, [], null, null);
        }

        var reasons = new List<string>();
        int fit = 0, intent = 0;
        foreach (var rule in _points.Where(p => p.When.Evaluate(lead)))
        {
            if (rule.Kind == "fit")
            {
                fit += rule.Value;
            }
            else
            {
                intent += rule.Value;
            }

            reasons.Add($"{rule.Kind} {rule.Value.ToString("+0;-0", CultureInfo.InvariantCulture)}: {rule.Name}");
        }

        var score = Math.Clamp(fit + intent, 0, 100);
        var grade = _grades.FirstOrDefault(g => fit >= g.Min).Grade ?? (_grades.Count > 0 ? "D" : null);
        bool? mql = _mql is { } threshold ? score >= threshold : null;
        return new Qualification(null, null, score, grade, reasons, mql, mql == false ? _nurturePool : null);
    }

    public string DescribeMql(int score) => _mql is { } t ? $"score {score} {(score >= t ? ">=" : "<")} MQL threshold {t}" : $"score {score}";
}
