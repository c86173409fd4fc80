namespace Switchboard.Intake;

/// <summary>What account matching looks at: an account's normalized company key and its web domains.</summary>
public sealed record AccountKeys(string Id, string? NameKey, IReadOnlyList<string> Domains);

public sealed record AccountHit(string AccountId, string Reason);

/// <summary>
/// Which account a lead belongs to: the account that owns the lead's company domain (or a parent of it:
/// <c>eu.acme.com</c> belongs to <c>acme.com</c>), else the account whose company name is the same or
/// similar enough (Jaro-Winkler on the company keys, legal forms removed). Candidates for the name come
/// from the same <see cref="Block"/>, so a typo in the first three letters is not found.
/// </summary>
public static class AccountMatching
{
    public const double DefaultNameThreshold = 0.92;

    /// <summary>The domains to look up for a lead: its company domain and each parent with at least two labels.</summary>
    public static IEnumerable<string> DomainsToTry(string? domain)
    {
        for (var d = domain; d is not null && d.Contains('.', StringComparison.Ordinal); d = d[(d.IndexOf('.', StringComparison.Ordinal) + 1)..])
        {
            yield return d;
        }
    }

    /// <summary>Accounts whose company key starts with the same three characters are name candidates.</summary>
    public static string? Block(string? nameKey) => nameKey is null ? null : nameKey[..Math.Min(3, nameKey.Length)];

    public static AccountHit? Match(string? domain, string? companyKey, IEnumerable<AccountKeys> candidates, double nameThreshold = DefaultNameThreshold)
    {
        var accounts = candidates.ToList();
        foreach (var d in DomainsToTry(domain))
        {
            if (accounts.FirstOrDefault(a => a.Domains.Contains(d, StringComparer.Ordinal)) is { } byDomain)
            {
                return new AccountHit(byDomain.Id, d == domain ? $"domain {d}" : $"domain {domain} under {d}");
            }
        }

        if (companyKey is null)
        {
            return null;
        }

        if (accounts.FirstOrDefault(a => a.NameKey == companyKey) is { } byName)
        {
            return new AccountHit(byName.Id, $"company name '{companyKey}'");
        }

        var best = accounts
            .Where(a => a.NameKey is not null)
            .Select(a => (Account: a, Score: Duplicates.JaroWinkler(companyKey, a.NameKey!)))
            .Where(x => x.Score >= nameThreshold)
            .OrderByDescending(x => x.Score).ThenBy(x => x.Account.Id, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Account is null
            ? null
            : new AccountHit(best.Account.Id, $"company name '{companyKey}' similar to '{best.Account.NameKey}' ({best.Score:0.00} ≥ {nameThreshold:0.00})");
    }
}
