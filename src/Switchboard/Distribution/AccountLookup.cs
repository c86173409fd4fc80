using Microsoft.EntityFrameworkCore;
using Switchboard.Leads;
using Switchboard.Intake;
using Switchboard.Storage;

namespace Switchboard.Distribution;

/// <summary>
/// Finds who already works a lead's company: the owner of the account the lead was matched to on
/// arrival; else the owner of the most recent earlier lead with the same company domain (or email
/// domain, unless it is a free-mail provider), else the same company name. Stored leads are normalized
/// (LeadInput.ToRow), so plain equality finds them.
/// </summary>
public static class AccountLookup
{
    public static async Task<AccountMatch?> FindAsync(SwitchboardDb db, LeadRow lead, CancellationToken ct)
    {
        if (lead.AccountId is { } accountId &&
            await db.Accounts.AsNoTracking().Where(a => a.Id == accountId && a.OwnerRepId != null).Select(a => new { a.Name, a.OwnerRepId }).FirstOrDefaultAsync(ct) is { } account)
        {
            return new AccountMatch(account.OwnerRepId!, $"account '{account.Name}' ({accountId})");
        }

        var earlier = db.Leads.AsNoTracking().Where(l => l.Id != lead.Id && l.OwnerRepId != null);
        var domain = Domain(lead);
        if (domain is not null)
        {
            var at = "@" + domain;
            var hit = await earlier
                .Where(l => l.CompanyDomain == domain || (l.Email != null && l.Email.EndsWith(at)))
                .OrderByDescending(l => l.AssignedAt)
                .Select(l => new { l.Id, l.OwnerRepId })
                .FirstOrDefaultAsync(ct);
            if (hit is not null)
            {
                return new AccountMatch(hit.OwnerRepId!, $"company domain {domain}, earlier lead {hit.Id}");
            }
        }

        if (lead.CompanyName is { Length: > 0 } name)
        {
            var lower = name.Trim().ToLowerInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // translated to SQL lower(); never runs in .NET
            var hit = await earlier
                .Where(l => l.CompanyName != null && l.CompanyName.ToLower() == lower)
#pragma warning restore CA1304, CA1311, CA1862
                .OrderByDescending(l => l.AssignedAt)
                .Select(l => new { l.Id, l.OwnerRepId })
                .FirstOrDefaultAsync(ct);
            if (hit is not null)
            {
                return new AccountMatch(hit.OwnerRepId!, $"company name '{name.Trim()}', earlier lead {hit.Id}");
            }
        }

        return null;
    }

    private static string? Domain(LeadRow lead) => lead.CompanyDomain ?? Normalize.CompanyDomainFromEmail(lead.Email);
}
