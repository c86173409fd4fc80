using System.Globalization;
using Switchboard.Leads;

namespace Switchboard.Routing.Flows;

/// <summary>A territory as a flow defines it; reps name the territories they own.</summary>
public sealed class TerritoryDocument
{
    /// <summary>ISO 3166 country codes (e.g. US, DE). Empty means any country.</summary>
    public List<string>? Countries { get; set; }

    /// <summary>Regions/states as leads carry them (e.g. CA, Bavaria).</summary>
    public List<string>? Regions { get; set; }

    /// <summary>Postal codes: exact (<c>94107</c>), prefixes (<c>94*</c>) or numeric ranges (<c>10000-14999</c>).</summary>
    public List<string>? PostalCodes { get; set; }
}

/// <summary>
/// A compiled territory. A lead is in it when its country is listed (or none are) and, when regions or
/// postal codes are given, it matches at least one of them. More specific territories (postal code,
/// then region, then country) win over broader ones when a lead is in several.
/// </summary>
public sealed class Territory
{
    private readonly HashSet<string> _countries;
    private readonly HashSet<string> _regions;
    private readonly List<PostalPattern> _postal;

    private Territory(string name, HashSet<string> countries, HashSet<string> regions, List<PostalPattern> postal)
    {
        Name = name;
        _countries = countries;
        _regions = regions;
        _postal = postal;
    }

    public string Name { get; }

    /// <summary>3 for postal codes, 2 for regions, 1 for countries only, 0 for a territory that takes everyone.</summary>
    public int Specificity => _postal.Count > 0 ? 3 : _regions.Count > 0 ? 2 : _countries.Count > 0 ? 1 : 0;

    public bool Contains(Lead lead)
    {
        if (_countries.Count > 0 && (lead.Country is null || !_countries.Contains(lead.Country.Trim())))
        {
            return false;
        }

        if (_regions.Count == 0 && _postal.Count == 0)
        {
            return true;
        }

        if (lead.Region is { } region && _regions.Contains(region.Trim()))
        {
            return true;
        }

        if (lead.PostalCode is { } postal && _postal.Count > 0)
        {
            var code = PostalPattern.Normalize(postal);
            return _postal.Any(p => p.Matches(code));
        }

        return false;
    }

    public static Territory? Compile(string name, TerritoryDocument doc, string at, List<FlowError> errors)
    {
        var postal = new List<PostalPattern>();
        foreach (var (text, i) in (doc.PostalCodes ?? []).Select((t, i) => (t, i)))
        {
            if (PostalPattern.Parse(text) is { } p)
            {
                postal.Add(p);
            }
            else
            {
                errors.Add(new FlowError($"{at}.postalCodes[{i}]", $"territory '{name}': '{text}' is not a postal code, a prefix like 94* or a range like 10000-14999"));
            }
        }

        var countries = (doc.Countries ?? []).Select(c => c?.Trim() ?? "").ToList();
        for (var i = 0; i < countries.Count; i++)
        {
            if (countries[i].Length != 2 || !countries[i].All(char.IsAsciiLetter))
            {
                errors.Add(new FlowError($"{at}.countries[{i}]", $"territory '{name}': '{countries[i]}' is not a two-letter ISO 3166 country code"));
            }
        }

        return new Territory(
            name,
            new HashSet<string>(countries, StringComparer.OrdinalIgnoreCase),
            new HashSet<string>((doc.Regions ?? []).Select(r => r.Trim()), StringComparer.OrdinalIgnoreCase),
            postal);
    }

    public static string DescribeLocation(Lead lead) =>
        string.Join("/", new[] { lead.Country, lead.Region, lead.PostalCode }.Select(v => string.IsNullOrWhiteSpace(v) ? "-" : v));

    private sealed record PostalPattern(string? Exact, string? Prefix, long Low, long High, int Digits)
    {
        public static string Normalize(string code) => code.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();

        public static PostalPattern? Parse(string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            var t = Normalize(text);
            if (t.EndsWith('*'))
            {
                return t.Length > 1 ? new PostalPattern(null, t[..^1], 0, 0, 0) : null;
            }

            var dash = t.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0)
            {
                var (lo, hi) = (t[..dash], t[(dash + 1)..]);
                if (lo.Length == hi.Length && lo.All(char.IsAsciiDigit) && hi.All(char.IsAsciiDigit))
                {
                    var (l, h) = (long.Parse(lo, CultureInfo.InvariantCulture), long.Parse(hi, CultureInfo.InvariantCulture));
                    return l <= h ? new PostalPattern(null, null, l, h, lo.Length) : null;
                }
            }

            return t.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? new PostalPattern(t, null, 0, 0, 0) : null;
        }

        public bool Matches(string code)
        {
            if (Exact is not null)
            {
                return code == Exact;
            }

            if (Prefix is not null)
            {
                return code.StartsWith(Prefix, StringComparison.Ordinal);
            }

            // A range compares the leading digits (so 10115 and 10115-1234 are both in 10000-14999).
            return code.Length >= Digits && code.AsSpan(0, Digits).ContainsAnyExceptInRange('0', '9') is false &&
                   long.Parse(code.AsSpan(0, Digits), CultureInfo.InvariantCulture) is var n && n >= Low && n <= High;
        }
    }
}
