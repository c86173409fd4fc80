using System.Text.Json;
using Switchboard.Storage;

namespace Switchboard.Pools;

/// <summary>The lead fields a pool may show before a claim, by the names pools use for them.</summary>
public static class PoolFields
{
    public static readonly IReadOnlyDictionary<string, Func<LeadRow, object?>> Known = new Dictionary<string, Func<LeadRow, object?>>(StringComparer.Ordinal)
    {
        ["industry"] = l => l.CompanyIndustry,
        ["title"] = l => l.Title,
        ["companySize"] = l => l.CompanyEmployees,
        ["companyName"] = l => l.CompanyName,
        ["country"] = l => l.Country,
        ["region"] = l => l.Region,
        ["city"] = l => l.City,
        ["productInterest"] = l => l.ProductInterest,
        ["score"] = l => l.Score,
        ["grade"] = l => l.Grade,
        ["value"] = l => l.Value,
        ["source"] = l => l.Source,
        ["channel"] = l => l.Channel,
        ["campaign"] = l => l.Campaign,
        ["language"] = l => l.Language,
    };

    /// <summary>What cherry-pick pools show unless configured otherwise.</summary>
    public static readonly string[] CherryPickDefault = ["industry", "title", "companySize", "country", "productInterest", "score"];

    /// <summary>What a blind pool may show: neither who the lead is nor how good it is, only what a rep needs to take it on.</summary>
    public static readonly string[] BlindSafe = ["language"];

    public static Dictionary<string, JsonElement?> Project(LeadRow lead, IEnumerable<string> fields) =>
        fields.Where(Known.ContainsKey).ToDictionary(
            f => f,
            f => Known[f](lead) is { } value ? JsonSerializer.SerializeToElement(value, Json.Options) : (JsonElement?)null,
            StringComparer.Ordinal);
}
