using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Api;
using Switchboard.Intake;
using Switchboard.Storage;

namespace Switchboard.Capture;

/// <summary>
/// The host's side of duplicate handling: finds leads that could be the same person (same email,
/// phone, company domain or company key — all normalized on the way in), lets Switchboard.Intake
/// decide, and merges the newcomer into the original. Runs inside the routing transaction, so two
/// copies of one person arriving at once still end as one lead.
/// </summary>
public static class LeadDuplicates
{
    public static async Task<DuplicateMatch?> FindAsync(SwitchboardDb db, LeadRow incoming, DedupeRules rules, CancellationToken ct)
    {
        var (email, phone, domain, key, externalId) = (incoming.Email, incoming.Phone, incoming.CompanyDomain, incoming.CompanyKey, incoming.ExternalId);
        if (email is null && phone is null && domain is null && key is null && externalId is null)
        {
            return null;
        }

        var candidates = await db.Leads.AsNoTracking()
            .Where(l => l.Id != incoming.Id &&
                        ((email != null && l.Email == email) || (phone != null && l.Phone == phone) ||
                         (domain != null && l.CompanyDomain == domain) || (key != null && l.CompanyKey == key) ||
                        (externalId != null && l.ExternalId == externalId)))
            .OrderBy(l => l.CreatedAt).ThenBy(l => l.Id)
            .Take(500)
            .Select(l => new { l.Id, l.Email, l.Phone, l.FirstName, l.LastName, l.CompanyKey, l.CompanyDomain, l.ExternalId })
            .ToListAsync(ct);
        return Duplicates.Find(
            Keys(incoming.Id, incoming.Email, incoming.Phone, incoming.FirstName, incoming.LastName, incoming.CompanyKey, incoming.CompanyDomain, incoming.ExternalId),
            candidates.Select(c => Keys(c.Id, c.Email, c.Phone, c.FirstName, c.LastName, c.CompanyKey, c.CompanyDomain, c.ExternalId)),
            rules);
    }

    private static PersonKeys Keys(string id, string? email, string? phone, string? first, string? last, string? companyKey, string? domain, string? externalId) =>
        new(id, email, phone, first, last, companyKey, domain is not null && Normalize.FreeMail.Contains(domain) ? null : domain, externalId);

    /// <summary>
    /// Fills what the original lead lacks from the newcomer (nothing the original has is overwritten; its
    /// owner stays) and returns the names of the fields filled, for the timeline.
    /// </summary>
    public static List<string> MergeInto(LeadRow original, LeadRow newcomer)
    {
        var filled = new List<string>();
        void Fill<T>(string name, Func<LeadRow, T?> get, Action<LeadRow, T> set)
        {
            if (get(original) is null && get(newcomer) is { } value)
            {
                set(original, value);
                filled.Add(name);
            }
        }

        Fill("externalId", l => l.ExternalId, (l, v) => l.ExternalId = v);
        Fill("firstName", l => l.FirstName, (l, v) => l.FirstName = v);
        Fill("lastName", l => l.LastName, (l, v) => l.LastName = v);
        Fill("email", l => l.Email, (l, v) => l.Email = v);
        Fill("phone", l => l.Phone, (l, v) => l.Phone = v);
        Fill("title", l => l.Title, (l, v) => l.Title = v);
        Fill("company.name", l => l.CompanyName, (l, v) => l.CompanyName = v);
        Fill("company.key", l => l.CompanyKey, (l, v) => l.CompanyKey = v);
        Fill("company.domain", l => l.CompanyDomain, (l, v) => l.CompanyDomain = v);
        Fill("company.employees", l => l.CompanyEmployees, (l, v) => l.CompanyEmployees = v);
        Fill("company.industry", l => l.CompanyIndustry, (l, v) => l.CompanyIndustry = v);
        Fill("company.annualRevenue", l => l.CompanyAnnualRevenue, (l, v) => l.CompanyAnnualRevenue = v);
        Fill("country", l => l.Country, (l, v) => l.Country = v);
        Fill("region", l => l.Region, (l, v) => l.Region = v);
        Fill("city", l => l.City, (l, v) => l.City = v);
        Fill("postalCode", l => l.PostalCode, (l, v) => l.PostalCode = v);
        Fill("language", l => l.Language, (l, v) => l.Language = v);
        Fill("productInterest", l => l.ProductInterest, (l, v) => l.ProductInterest = v);
        Fill("value", l => l.Value, (l, v) => l.Value = v);
        Fill("score", l => l.Score, (l, v) => l.Score = v);

        if (newcomer.AttributesJson is not null)
        {
            var theirs = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(newcomer.AttributesJson, Json.Options) ?? [];
            var merged = original.AttributesJson is null
                ? new Dictionary<string, JsonElement>()
                : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(original.AttributesJson, Json.Options)!;
            foreach (var (name, value) in theirs)
            {
                if (merged.TryAdd(name, value))
                {
                    filled.Add($"attributes.{name}");
                }
            }

            original.AttributesJson = merged.Count > 0 ? JsonSerializer.Serialize(merged, Json.Options) : null;
        }

        return filled;
    }
}
