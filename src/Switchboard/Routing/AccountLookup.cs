using Microsoft.EntityFrameworkCore;
using Switchboard.Routing.Model;
using Switchboard.Storage;

namespace Switchboard.Routing;

/// <summary>
/// Finds who already works a lead's company: the owner of the most recent earlier lead with the same
/// company domain (or email domain, unless it is a free-mail provider), else the same company name.
/// </summary>
public static class AccountLookup
{
    /// <summary>Providers whose domain says nothing about the company.</summary>
    private static readonly HashSet<string> FreeMail = new(StringComparer.OrdinalIgnoreCase)
    {
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "hotmail.com", "outlook.com", "live.com", "msn.com",
        "icloud.com", "me.com", "aol.com", "gmx.de", "gmx.net", "web.de", "proton.me", "protonmail.com", "mail.ru",
        "yandex.ru", "qq.com", "163.com", "t-online.de", "orange.fr", "free.fr", "libero.it", "zoho.com",
    };

    public static async Task<AccountMatch?> FindAsync(SwitchboardDb db, LeadRow lead, CancellationToken ct)
    {
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

    private static string? Domain(LeadRow lead)
    {
        if (lead.CompanyDomain is { Length: > 0 } domain)
        {
            return domain.Trim().ToLowerInvariant();
        }

        var at = lead.Email?.LastIndexOf('@') ?? -1;
        var fromEmail = at >= 0 ? lead.Email![(at + 1)..].Trim().ToLowerInvariant() : null;
        return fromEmail is { Length: > 0 } && !FreeMail.Contains(fromEmail) ? fromEmail : null;
    }
}
