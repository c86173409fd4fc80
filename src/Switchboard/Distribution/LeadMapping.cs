using System.Globalization;
using System.Text.Json;
using Switchboard.Leads;
using Switchboard.Storage;

namespace Switchboard.Distribution;

/// <summary>A stored lead as the engine sees it.</summary>
public static class LeadMapping
{
    /// <summary>The engine's view of a stored lead.</summary>
    public static Lead ToEngineLead(this LeadRow row) => new()
    {
        Id = row.Id,
        Source = row.Source,
        FirstName = row.FirstName,
        LastName = row.LastName,
        Email = row.Email,
        Phone = row.Phone,
        Title = row.Title,
        Company = new Company
        {
            Name = row.CompanyName,
            Domain = row.CompanyDomain,
            Employees = row.CompanyEmployees,
            Industry = row.CompanyIndustry,
            AnnualRevenue = row.CompanyAnnualRevenue,
        },
        Country = row.Country,
        Region = row.Region,
        City = row.City,
        PostalCode = row.PostalCode,
        Language = row.Language,
        ProductInterest = row.ProductInterest,
        Value = row.Value,
        Score = row.Score,
        Attributes = ReadAttributes(row.AttributesJson),
        ReceivedAt = row.CreatedAt,
        HeldSince = row.HeldSince,
        ExcludedRepIds = row.ExcludedRepIds,
    };

    public static Dictionary<string, object?> ReadAttributes(string? json)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (json is null)
        {
            return result;
        }

        using var doc = JsonDocument.Parse(json);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            result[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Number => p.Value.GetDouble(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => null,
            };
        }

        return result;
    }

    public static string Format(DateTimeOffset t) => t.ToString("O", CultureInfo.InvariantCulture);
}
