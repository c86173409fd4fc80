using System.Globalization;
using Switchboard.Leads;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;

namespace Switchboard.Routing.Strategies;

public enum SkillNeed
{
    None,
    Required,
    Preferred,
}

/// <summary>Options of <see cref="SkillsStrategy"/>.</summary>
public sealed record SkillsOptions
{
    /// <summary>Skills every rep must have, e.g. <c>required: "enterprise, security"</c>.</summary>
    public IReadOnlyList<string> Required { get; init; } = [];

    /// <summary>Skills that rank reps (the most matched wins), or filter until <see cref="RelaxAfter"/>.</summary>
    public IReadOnlyList<string> Preferred { get; init; } = [];

    /// <summary>The lead's language among the rep's languages.</summary>
    public SkillNeed Language { get; init; }

    /// <summary>The lead's company industry among the rep's skills.</summary>
    public SkillNeed Industry { get; init; }

    /// <summary>The lead's product interest among the rep's skills.</summary>
    public SkillNeed Product { get; init; }

    /// <summary>The lead's company-size band (see <see cref="SizeBands"/>) among the rep's skills.</summary>
    public SkillNeed SizeBand { get; init; }

    /// <summary>Bands by employee count, smallest first; the last one has no upper bound.</summary>
    public IReadOnlyList<(string Name, int? Below)> SizeBands { get; init; } = [("smb", 100), ("mid-market", 1000), ("enterprise", null)];

    /// <summary>
    /// When set, preferred skills are required until the lead has waited this long, then only rank.
    /// The default value is null: preferred skills only rank.
    /// </summary>
    public TimeSpan? RelaxAfter { get; init; }

    public static SkillsOptions Read(OptionReader options)
    {
        var o = new SkillsOptions
        {
            Required = options.List("required", "skills every rep must have, e.g. \"enterprise, security\""),
            Preferred = options.List("preferred", "skills that rank reps (the most matched wins), or filter until relaxAfter"),
            Language = Need(options, "language", "the lead's language among the rep's languages"),
            Industry = Need(options, "industry", "the lead's company industry among the rep's skills"),
            Product = Need(options, "product", "the lead's product interest among the rep's skills"),
            SizeBand = Need(options, "sizeBand", "the lead's company-size band among the rep's skills"),
            SizeBands = options.Value<IReadOnlyList<(string, int?)>>(
                "sizeBands", "bands by employee count, smallest first", new SkillsOptions().SizeBands, "smb<100, mid-market<1000, enterprise", "the company-size bands sizeBand matches", ParseBands),
            RelaxAfter = options.Duration("relaxAfter", "preferred skills are required until the lead has waited this long, then only rank"),
        };

        var anyPreferred = o.Preferred.Count > 0 || new[] { o.Language, o.Industry, o.Product, o.SizeBand }.Contains(SkillNeed.Preferred);
        if (o.RelaxAfter is not null && !anyPreferred)
        {
            options.Fail("relaxAfter", "relaxAfter relaxes preferred skills, and none are given");
        }

        if (!anyPreferred && o.Required.Count == 0 && new[] { o.Language, o.Industry, o.Product, o.SizeBand }.All(n => n == SkillNeed.None))
        {
            options.Fail("required", "name what to match: required, preferred, language, industry, product or sizeBand");
        }

        return o;
    }

    private static SkillNeed Need(OptionReader options, string key, string doc) =>
        options.Value(key, "one of required, preferred", SkillNeed.None, null, doc, v => v switch
        {
            "required" => (SkillNeed.Required, null),
            "preferred" => (SkillNeed.Preferred, (string?)null),
            _ => (SkillNeed.None, $"'{v}' is not one of required, preferred"),
        });

    private static (IReadOnlyList<(string, int?)>, string?) ParseBands(string text)
    {
        var bands = new List<(string, int?)>();
        var parts = OptionReader.Split(text);
        for (var i = 0; i < parts.Count; i++)
        {
            var lt = parts[i].IndexOf('<', StringComparison.Ordinal);
            if (lt < 0 && i == parts.Count - 1)
            {
                bands.Add((parts[i], null));
            }
            else if (lt > 0 && int.TryParse(parts[i].AsSpan(lt + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var below) &&
                     (bands.Count == 0 || below > bands[^1].Item2))
            {
                bands.Add((parts[i][..lt].Trim(), below));
            }
            else
            {
                return ([], $"'{parts[i]}': write bands smallest first, e.g. \"smb<100, mid-market<1000, enterprise\"");
            }
        }

        return bands.Count == 0 || bands[^1].Item2 is not null
            ? ([], "the last band takes every larger company, e.g. \"smb<100, mid-market<1000, enterprise\"")
            : (bands, null);
    }
}

/// <summary>
/// Demographic and skill match: reps must have every required skill (and the lead's language, industry,
/// product or size band where those are required); preferred ones rank reps, and reps with the most
/// preferred matches take turns. With <c>relaxAfter</c>, preferred skills filter until the lead has
/// waited that long, so a lead waits a while for the best-suited rep before anyone may take it.
/// </summary>
public sealed class SkillsStrategy(SkillsOptions options) : IRoutingStrategy
{
    public const string StrategyName = "skills";

    public SkillsOptions Options { get; } = options;

    public string Name => StrategyName;

    private sealed record Need(string What, Func<Rep, bool> Has);

    public Func<RepState, string?> FilterFor(Lead lead, DateTimeOffset now)
    {
        var (required, preferred) = Needs(lead);
        var strict = Strict(lead, now, out var waited);
        if (strict)
        {
            required = [.. required, .. preferred];
        }

        return rep =>
        {
            List<string>? missing = null;
            foreach (var need in required)
            {
                if (!need.Has(rep.Rep))
                {
                    (missing ??= []).Add(need.What);
                }
            }

            if (missing is null)
            {
                return null;
            }

            var why = "lacks " + string.Join(", ", missing);
            return strict && missing.Any(m => preferred.Any(p => p.What == m))
                ? $"{why} (preferred skills are required until the lead has waited {Durations.Format(Options.RelaxAfter!.Value)}; waited {waited})"
                : why;
        };
    }

    public StrategyPick Pick(StrategyInput input)
    {
        var (_, preferred) = Needs(input.Lead);
        int Score(RepState r) => preferred.Count(n => n.Has(r.Rep));

        var best = input.Eligible.Max(Score);
        List<RepState> top = [.. input.Eligible.Where(r => Score(r) == best)];
        var (rep, _) = Rotation.NextAfter(input.Candidates, top, input.State.Pointer);
        var why = preferred.Count == 0
            ? $"skills: {input.Eligible.Count} reps have what the lead needs; {rep.Id} is next in turn"
            : $"skills: {top.Count} rep(s) match {best} of {preferred.Count} preferred ({string.Join(", ", preferred.Select(p => p.What))}); {rep.Id} is next in turn";
        return new StrategyPick(rep, input.State with { Pointer = rep.Id }, why);
    }

    private bool Strict(Lead lead, DateTimeOffset now, out string waited)
    {
        var span = lead.ReceivedAt is { } at ? now - at : TimeSpan.Zero;
        waited = span < TimeSpan.FromMinutes(1) ? $"{Math.Max(0, (int)span.TotalSeconds)}s" : span < TimeSpan.FromHours(1) ? $"{(int)span.TotalMinutes}m" : $"{span.TotalHours:0.#}h";
        return Options.RelaxAfter is { } relax && span < relax;
    }

    private (List<Need> Required, List<Need> Preferred) Needs(Lead lead)
    {
        var required = new List<Need>();
        var preferred = new List<Need>();
        void Add(SkillNeed need, Need n) => (need == SkillNeed.Required ? required : need == SkillNeed.Preferred ? preferred : null)?.Add(n);

        foreach (var skill in Options.Required)
        {
            required.Add(new Need($"skill '{skill}'", r => HasSkill(r, skill)));
        }

        foreach (var skill in Options.Preferred)
        {
            preferred.Add(new Need($"skill '{skill}'", r => HasSkill(r, skill)));
        }

        if (lead.Language is { Length: > 0 } language)
        {
            Add(Options.Language, new Need($"language '{language}'", r => Names.Include(r.Languages, language)));
        }

        if (lead.Company.Industry is { Length: > 0 } industry)
        {
            Add(Options.Industry, new Need($"industry '{industry}'", r => HasSkill(r, industry)));
        }

        if (lead.ProductInterest is { Length: > 0 } product)
        {
            Add(Options.Product, new Need($"product '{product}'", r => HasSkill(r, product)));
        }

        if (lead.Company.Employees is { } employees)
        {
            var band = Options.SizeBands.First(b => b.Below is null || employees < b.Below).Name;
            Add(Options.SizeBand, new Need($"size band '{band}'", r => HasSkill(r, band)));
        }

        return (required, preferred);
    }

    private static bool HasSkill(Rep rep, string skill) => Names.Include(rep.Skills, skill);
}
