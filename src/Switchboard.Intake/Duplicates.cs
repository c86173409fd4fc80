namespace Switchboard.Intake;

/// <summary>
/// Which signals make two leads the same person, and how similar names must be. The default values
/// match on email, on phone, and on a name at least 0.92 Jaro-Winkler-similar at the same company.
/// </summary>
public sealed record DedupeRules(bool ByEmail = true, bool ByPhone = true, bool ByNameAtCompany = true, double NameThreshold = 0.92)
{
    public static readonly DedupeRules Default = new();
}

/// <summary>What duplicate matching looks at: normalized contact data of one lead.</summary>
/// <param name="ExternalId">The id the lead has in the system it came from (a CRM, an import file): the strongest signal.</param>
public sealed record PersonKeys(string Id, string? Email, string? Phone, string? FirstName, string? LastName, string? CompanyKey, string? CompanyDomain, string? ExternalId = null)
{
    public string? FullName => FirstName is null && LastName is null ? null : Normalize.RemoveDiacritics($"{FirstName} {LastName}".Trim().ToLowerInvariant());
}

public sealed record DuplicateMatch(string ExistingId, string Reason);

public static class Duplicates
{
    /// <summary>
    /// The existing lead that is the same person as <paramref name="incoming"/>, by the strongest signal:
    /// external id, then email, then phone, then a similar name at the same company. Oldest lead first on
    /// equal signals, so every duplicate merges into the original. Never two leads whose strong
    /// identifiers conflict (both have an email, or both an external id, and they differ); a phone alone
    /// merges only when both leads carry names that agree, as a company's switchboard number is shared by
    /// many people. The reason names the signal that matched.
    /// </summary>
    public static DuplicateMatch? Find(PersonKeys incoming, IEnumerable<PersonKeys> existing, DedupeRules rules)
    {
        var candidates = existing.Where(e => e.Id != incoming.Id && !Conflict(incoming, e)).ToList();
        if (incoming.ExternalId is { } externalId && candidates.FirstOrDefault(c => c.ExternalId == externalId) is { } byExternal)
        {
            return new DuplicateMatch(byExternal.Id, $"same external id {externalId}");
        }

        if (rules.ByEmail && incoming.Email is { } email && candidates.FirstOrDefault(c => c.Email == email) is { } byEmail)
        {
            return new DuplicateMatch(byEmail.Id, $"same email {email}");
        }

        if (rules.ByPhone && incoming.Phone is { Length: >= 7 } phone && incoming.FullName is { } caller)
        {
            var byPhone = candidates
                .Where(c => c.Phone == phone && c.FullName is not null)
                .Select(c => (Lead: c, Score: JaroWinkler(caller, c.FullName!)))
                .FirstOrDefault(x => x.Score >= rules.NameThreshold);
            if (byPhone.Lead is not null)
            {
                return new DuplicateMatch(byPhone.Lead.Id, $"same phone {phone} and the same name ({byPhone.Score:0.00} ≥ {rules.NameThreshold:0.00})");
            }
        }

        if (rules.ByNameAtCompany && incoming.FullName is { } name)
        {
            var best = candidates
                .Where(c => SameCompany(incoming, c) && c.FullName is not null)
                .Select(c => (Lead: c, Score: JaroWinkler(name, c.FullName!)))
                .Where(x => x.Score >= rules.NameThreshold)
                .OrderByDescending(x => x.Score)
                .FirstOrDefault();
            if (best.Lead is not null)
            {
                return new DuplicateMatch(best.Lead.Id, $"similar name ({best.Score:0.00} ≥ {rules.NameThreshold:0.00}) at the same company");
            }
        }

        return null;
    }

    /// <summary>Two different people for sure: both have an email, or both an external id, and they differ.</summary>
    public static bool Conflict(PersonKeys a, PersonKeys b) =>
        (a.Email is not null && b.Email is not null && a.Email != b.Email) ||
        (a.ExternalId is not null && b.ExternalId is not null && a.ExternalId != b.ExternalId);

    private static bool SameCompany(PersonKeys a, PersonKeys b) =>
        (a.CompanyDomain is not null && a.CompanyDomain == b.CompanyDomain) || (a.CompanyKey is not null && a.CompanyKey == b.CompanyKey);

    /// <summary>Jaro-Winkler similarity in [0, 1]: 1 for equal strings, tolerant of typos and transpositions.</summary>
    public static double JaroWinkler(string a, string b)
    {
        if (a == b)
        {
            return 1;
        }

        if (a.Length == 0 || b.Length == 0)
        {
            return 0;
        }

        var window = Math.Max(0, (Math.Max(a.Length, b.Length) / 2) - 1);
        var aMatched = new bool[a.Length];
        var bMatched = new bool[b.Length];
        var matches = 0;
        for (var i = 0; i < a.Length; i++)
        {
            for (var j = Math.Max(0, i - window); j < Math.Min(b.Length, i + window + 1); j++)
            {
                if (!bMatched[j] && a[i] == b[j])
                {
                    aMatched[i] = bMatched[j] = true;
                    matches++;
                    break;
                }
            }
        }

        if (matches == 0)
        {
            return 0;
        }

        var transpositions = 0;
        for (int i = 0, k = 0; i < a.Length; i++)
        {
            if (!aMatched[i])
            {
                continue;
            }

            while (!bMatched[k])
            {
                k++;
            }

            if (a[i] != b[k++])
            {
                transpositions++;
            }
        }

        double m = matches;
        var jaro = ((m / a.Length) + (m / b.Length) + ((m - (transpositions / 2.0)) / m)) / 3;
        var prefix = 0;
        while (prefix < Math.Min(4, Math.Min(a.Length, b.Length)) && a[prefix] == b[prefix])
        {
            prefix++;
        }

        return jaro + (prefix * 0.1 * (1 - jaro));
    }
}
