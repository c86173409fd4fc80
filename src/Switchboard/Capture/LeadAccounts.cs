using Microsoft.EntityFrameworkCore;
using Switchboard.Intake;
using Switchboard.Storage;

namespace Switchboard.Capture;

/// <summary>
/// The host's side of lead-to-account matching: reads the accounts that could be a batch's companies
/// (same domain or a parent of it, same three-letter name block) in one go; Switchboard.Intake decides.
/// </summary>
public static class LeadAccounts
{
    public static async Task<AccountIndex> IndexAsync(SwitchboardDb db, IReadOnlyCollection<LeadRow> leads, CancellationToken ct)
    {
        if (!await db.Accounts.AnyAsync(ct))
        {
            return AccountIndex.Empty;
        }

        string[] domains = [.. leads.SelectMany(l => AccountMatching.DomainsToTry(DomainOf(l))).Distinct()];
        string[] blocks = [.. leads.Select(l => AccountMatching.Block(l.CompanyKey)).OfType<string>().Distinct()];
        var byDomain = await db.AccountDomains.AsNoTracking().Where(d => domains.Contains(d.Domain)).Select(d => d.AccountId).ToListAsync(ct);
        var accounts = await db.Accounts.AsNoTracking()
            .Where(a => byDomain.Contains(a.Id) || blocks.Contains(a.NameBlock!))
            .ToListAsync(ct);
        var ids = accounts.Select(a => a.Id).ToArray();
        var accountDomains = (await db.AccountDomains.AsNoTracking().Where(d => ids.Contains(d.AccountId)).ToListAsync(ct))
            .ToLookup(d => d.AccountId, d => d.Domain);
        return new AccountIndex([.. accounts.Select(a => (a, new AccountKeys(a.Id, a.NameKey, [.. accountDomains[a.Id]])))]);
    }

    /// <summary>The lead's company domain, else its email's domain unless that is a free-mail provider.</summary>
    public static string? DomainOf(LeadRow lead) => lead.CompanyDomain ?? Normalize.CompanyDomainFromEmail(lead.Email);
}

/// <summary>The candidate accounts of a batch of leads.</summary>
public sealed class AccountIndex(List<(AccountRow Row, AccountKeys Keys)> accounts)
{
    public static readonly AccountIndex Empty = new([]);

    public (AccountRow Account, string Reason)? Match(LeadRow lead)
    {
        if (accounts.Count == 0)
        {
            return null;
        }

        var hit = AccountMatching.Match(LeadAccounts.DomainOf(lead), lead.CompanyKey, accounts.Select(a => a.Keys));
        return hit is null ? null : (accounts.First(a => a.Row.Id == hit.AccountId).Row, hit.Reason);
    }
}
