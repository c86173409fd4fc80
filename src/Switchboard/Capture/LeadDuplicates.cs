using System.Text.Json;
using Microsoft.EntityFrameworkCore;
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
    /// <summary>
    /// Reads every stored lead that shares a key with any of <paramref name="incoming"/> in one query, so
    /// a batch of leads (an import) is checked against the database once and against itself in memory.
    /// </summary>
    public static async Task<DuplicateIndex> IndexAsync(SwitchboardDb db, IReadOnlyCollection<LeadRow> incoming, CancellationToken ct)
    {
        string[] Distinct(Func<LeadRow, string?> key) => [.. incoming.Select(key).OfType<string>().Distinct()];
        var (emails, phones, externalIds, keys) = (Distinct(l => l.Email), Distinct(l => l.Phone), Distinct(l => l.ExternalId), Distinct(l => l.CompanyKey));
        var domains = Distinct(l => l.CompanyDomain is { } d && !Normalize.FreeMail.Contains(d) ? d : null);
        var index = new DuplicateIndex();
        if (emails.Length + phones.Length + externalIds.Length + keys.Length + domains.Length == 0)
        {
            return index;
        }

        // EF.Parameter: each list goes in as one array parameter (json_each on SQLite, = ANY on PostgreSQL),
        // so the statement's text is the same for every batch size and its plan is made once; EF Core 10's
        // default, one parameter per value, wrote a new statement per batch shape.
        var stored = await db.Leads.AsNoTracking()
            .Where(l => EF.Parameter(emails).Contains(l.Email!) || EF.Parameter(phones).Contains(l.Phone!) ||
                        EF.Parameter(externalIds).Contains(l.ExternalId!) || EF.Parameter(keys).Contains(l.CompanyKey!) ||
                        EF.Parameter(domains).Contains(l.CompanyDomain!))
            .OrderBy(l => l.CreatedAt).ThenBy(l => l.Id)
            .Select(l => new { l.Id, l.Email, l.Phone, l.FirstName, l.LastName, l.CompanyKey, l.CompanyDomain, l.ExternalId })
            .ToListAsync(ct);
        foreach (var l in stored)
        {
            index.Add(Keys(l.Id, l.Email, l.Phone, l.FirstName, l.LastName, l.CompanyKey, l.CompanyDomain, l.ExternalId));
        }

        return index;
    }

    /// <summary>Lock names of every key by which <paramref name="incoming"/> could be found again (see <see cref="RoutingTransaction.LockAsync"/>).</summary>
    public static IEnumerable<string> LockKeys(IEnumerable<LeadRow> incoming) => incoming.Select(KeysOf).SelectMany(k => new[]
    {
        k.Email is { } email ? "email:" + email : null,
        k.Phone is { } phone ? "phone:" + phone : null,
        k.ExternalId is { } external ? "external:" + external : null,
        k.CompanyKey is { } company ? "company:" + company : null,
        k.CompanyDomain is { } domain ? "domain:" + domain : null, // free-mail domains are no company's: KeysOf leaves them out
    }).OfType<string>();

    public static PersonKeys KeysOf(LeadRow l) => Keys(l.Id, l.Email, l.Phone, l.FirstName, l.LastName, l.CompanyKey, l.CompanyDomain, l.ExternalId);

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

/// <summary>
/// Leads that could be duplicates, indexed by each of their keys, oldest first: what the database held
/// when a batch began plus the batch's own new leads as they are captured.
/// </summary>
public sealed class DuplicateIndex
{
    private readonly Dictionary<string, List<(long Seq, PersonKeys Lead)>> byKey = new(StringComparer.Ordinal);
    private long seq;

    public void Add(PersonKeys lead)
    {
        seq++;
        foreach (var key in KeysOf(lead))
        {
            (byKey.TryGetValue(key, out var list) ? list : byKey[key] = []).Add((seq, lead));
        }
    }

    public DuplicateMatch? Find(LeadRow incoming, DedupeRules rules)
    {
        var keys = LeadDuplicates.KeysOf(incoming);
        var candidates = KeysOf(keys)
            .SelectMany(k => byKey.TryGetValue(k, out var list) ? list : [])
            .DistinctBy(c => c.Seq)
            .OrderBy(c => c.Seq)
            .Select(c => c.Lead);
        return Duplicates.Find(keys, candidates, rules);
    }

    private static IEnumerable<string> KeysOf(PersonKeys p)
    {
        string?[] keys = [p.Email is null ? null : "e:" + p.Email, p.Phone is null ? null : "p:" + p.Phone, p.ExternalId is null ? null : "x:" + p.ExternalId,
            p.CompanyKey is null ? null : "k:" + p.CompanyKey, p.CompanyDomain is null ? null : "d:" + p.CompanyDomain];
        return keys.OfType<string>();
    }
}
