using System.Text.Json;
using System.Text.RegularExpressions;
using Switchboard.Intake;
using Switchboard.Storage;
using Switchboard.Routing.Lifecycle;

namespace Switchboard.Capture;

/// <summary>A lead as posted to <c>POST /api/leads</c> (API.md).</summary>
public sealed partial record LeadInput
{
    public string? ExternalId { get; init; }
    public string? Source { get; init; }

    /// <summary>The campaign the lead came from; defaults to <c>utm.campaign</c>.</summary>
    public string? Campaign { get; init; }
    public UtmInput? Utm { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? Title { get; init; }
    public CompanyInput? Company { get; init; }
    public string? Country { get; init; }
    public string? Region { get; init; }
    public string? City { get; init; }
    public string? PostalCode { get; init; }
    public string? Language { get; init; }
    public string? ProductInterest { get; init; }
    public decimal? Value { get; init; }
    public int? Score { get; init; }
    public Dictionary<string, JsonElement>? Attributes { get; init; }

    public const int MaxText = 512;
    public const int MaxAttributes = 100;

    public void Validate(FieldErrors errors)
    {
        Text(errors, "externalId", ExternalId);
        Text(errors, "source", Source);
        Text(errors, "campaign", Campaign);
        Text(errors, "utm.source", Utm?.Source);
        Text(errors, "utm.medium", Utm?.Medium);
        Text(errors, "utm.campaign", Utm?.Campaign);
        Text(errors, "utm.term", Utm?.Term);
        Text(errors, "utm.content", Utm?.Content);
        Text(errors, "firstName", FirstName);
        Text(errors, "lastName", LastName);
        Text(errors, "title", Title);
        Text(errors, "phone", Phone);
        Text(errors, "country", Country);
        Text(errors, "region", Region);
        Text(errors, "city", City);
        Text(errors, "postalCode", PostalCode);
        Text(errors, "language", Language);
        Text(errors, "productInterest", ProductInterest);
        if (Email is not null && (Email.Length > MaxText || Normalize.Email(Email) is not { } email || !EmailShape().IsMatch(email)))
        {
            errors.Add("email", "not an email address (expected name@domain)");
        }

        if (Company is { } c)
        {
            Text(errors, "company.name", c.Name);
            Text(errors, "company.domain", c.Domain);
            Text(errors, "company.industry", c.Industry);
            if (c.Employees is < 0)
            {
                errors.Add("company.employees", "must be 0 or more");
            }

            if (c.AnnualRevenue is < 0)
            {
                errors.Add("company.annualRevenue", "must be 0 or more");
            }
        }

        if (Value is < 0)
        {
            errors.Add("value", "must be 0 or more");
        }

        if (Score is < 0 or > 100)
        {
            errors.Add("score", "must be between 0 and 100");
        }

        if (Attributes is { } attributes)
        {
            if (attributes.Count > MaxAttributes)
            {
                errors.Add("attributes", $"at most {MaxAttributes} attributes");
            }

            foreach (var (name, value) in attributes)
            {
                var badName = TextRules.Problem(name);
                if ((badName ?? (value.ValueKind == JsonValueKind.String ? TextRules.Problem(value) : null)) is { } problem)
                {
                    errors.Add(badName is null ? $"attributes.{name}" : "attributes", problem);
                }
                else if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                {
                    errors.Add($"attributes.{name}", "attribute values must be text, numbers, true/false or null");
                }
                else if (value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 4096)
                {
                    errors.Add($"attributes.{name}", "longer than 4096 characters");
                }
            }
        }
    }

    private static void Text(FieldErrors errors, string field, string? value)
    {
        if (value is { Length: > MaxText })
        {
            errors.Add(field, $"longer than {MaxText} characters");
        }
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailShape();

    /// <summary>The lead as stored: every field normalized (Switchboard.Intake), so duplicates and accounts can be found.</summary>
    public LeadRow ToRow(string id, string? createdByKeyId, DateTimeOffset now, string channel = "api")
    {
        var country = Normalize.Country(Country);
        var email = Normalize.Email(Email);
        var companyName = Normalize.Text(Company?.Name);
        return new LeadRow
        {
            Id = id,
            ExternalId = Clean(ExternalId),
            Source = Clean(Source),
            Channel = channel,
            Campaign = Normalize.Text(Campaign) ?? Normalize.Text(Utm?.Campaign),
            UtmSource = Normalize.Text(Utm?.Source),
            UtmMedium = Normalize.Text(Utm?.Medium),
            UtmCampaign = Normalize.Text(Utm?.Campaign),
            UtmTerm = Normalize.Text(Utm?.Term),
            UtmContent = Normalize.Text(Utm?.Content),
            FirstName = Normalize.PersonName(FirstName),
            LastName = Normalize.PersonName(LastName),
            Email = email,
            Phone = Normalize.Phone(Phone, country is { Length: 2 } ? country : null),
            Title = Normalize.Text(Title),
            CompanyName = companyName,
            CompanyKey = Normalize.CompanyKey(companyName),
            CompanyDomain = Normalize.Domain(Company?.Domain) ?? Normalize.CompanyDomainFromEmail(email),
            CompanyEmployees = Company?.Employees,
            CompanyIndustry = Normalize.Text(Company?.Industry),
            CompanyAnnualRevenue = Company?.AnnualRevenue,
            Country = country,
            Region = Normalize.Text(Region),
            City = Normalize.Text(City),
            PostalCode = Normalize.Text(PostalCode),
            Language = Normalize.Text(Language)?.ToLowerInvariant(),
            ProductInterest = Normalize.Text(ProductInterest),
            Value = Value,
            Score = Score,
            AttributesJson = Attributes is { Count: > 0 } ? JsonSerializer.Serialize(Attributes, Json.Options) : null,
            Status = LeadStatus.New,
            CreatedByKeyId = createdByKeyId,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>UTM parameters as the ad or link carried them.</summary>
public sealed record UtmInput(string? Source = null, string? Medium = null, string? Campaign = null, string? Term = null, string? Content = null);

public sealed record CompanyInput
{
    public string? Name { get; init; }
    public string? Domain { get; init; }
    public int? Employees { get; init; }
    public string? Industry { get; init; }
    public decimal? AnnualRevenue { get; init; }
}
