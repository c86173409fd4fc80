using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Capture;

/// <summary>
/// Turns name/value pairs from a form post or a CSV row into a <see cref="LeadInput"/>, so every channel
/// goes through the same validation. Names are mapped explicitly, else by the usual spellings of lead
/// fields, else kept as <c>attributes.NAME</c>.
/// </summary>
public static class LeadFields
{
    /// <summary>Lead fields, and the usual spellings of them on websites and in spreadsheets.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["externalId"] = "externalId", ["external_id"] = "externalId", ["id"] = "externalId",
        ["source"] = "source", ["lead_source"] = "source", ["lead source"] = "source",
        ["email"] = "email", ["e-mail"] = "email", ["email_address"] = "email", ["email address"] = "email",
        ["firstName"] = "firstName", ["first_name"] = "firstName", ["first name"] = "firstName", ["fname"] = "firstName",
        ["lastName"] = "lastName", ["last_name"] = "lastName", ["last name"] = "lastName", ["lname"] = "lastName",
        ["phone"] = "phone", ["tel"] = "phone", ["telephone"] = "phone", ["mobile"] = "phone", ["phone number"] = "phone",
        ["title"] = "title", ["job_title"] = "title", ["jobTitle"] = "title", ["job title"] = "title",
        ["company"] = "company.name", ["company_name"] = "company.name", ["company.name"] = "company.name", ["organization"] = "company.name", ["account"] = "company.name",
        ["website"] = "company.domain", ["company.domain"] = "company.domain", ["domain"] = "company.domain", ["url"] = "company.domain",
        ["employees"] = "company.employees", ["company.employees"] = "company.employees", ["company_size"] = "company.employees",
        ["industry"] = "company.industry", ["company.industry"] = "company.industry", ["sector"] = "company.industry",
        ["revenue"] = "company.annualRevenue", ["company.annualRevenue"] = "company.annualRevenue", ["annual_revenue"] = "company.annualRevenue",
        ["country"] = "country", ["region"] = "region", ["state"] = "region", ["city"] = "city",
        ["postalCode"] = "postalCode", ["postal_code"] = "postalCode", ["zip"] = "postalCode", ["postcode"] = "postalCode",
        ["language"] = "language", ["productInterest"] = "productInterest", ["product"] = "productInterest", ["product_interest"] = "productInterest",
        ["value"] = "value", ["score"] = "score", ["campaign"] = "campaign",
        ["utm_source"] = "utm.source", ["utm_medium"] = "utm.medium", ["utm_campaign"] = "utm.campaign", ["utm_term"] = "utm.term", ["utm_content"] = "utm.content",
    };

    private static readonly HashSet<string> WholeNumbers = ["company.employees", "score"];
    private static readonly HashSet<string> Decimals = ["company.annualRevenue", "value"];

    public static readonly IReadOnlySet<string> Targets = new HashSet<string>(Aliases.Values);

    /// <summary>The lead field a column or form field name stands for by its usual spelling, or null.</summary>
    public static string? TargetOf(string name) => Aliases.TryGetValue(name.Trim(), out var target) ? target : null;

    /// <summary>Why a mapping target (form field map, CSV column map) is not a lead field, an attribute or <c>ignore</c>; null when it is.</summary>
    public static string? TargetError(string target) =>
        Targets.Contains(target) || target == "ignore" || target.StartsWith("attributes.", StringComparison.Ordinal)
            ? null
            : $"'{target}' is not a lead field; use one of {string.Join(", ", Targets.Order())}, attributes.NAME or ignore";

    /// <summary>
    /// The lead the pairs describe. Empty values are skipped; numbers that do not parse are errors named
    /// by the form field or column they came from.
    /// </summary>
    public static LeadInput Build(IEnumerable<KeyValuePair<string, string>> fields, IReadOnlyDictionary<string, string> map, FieldErrors errors)
    {
        var json = new JsonObject();
        foreach (var (name, raw) in fields)
        {
            var value = raw.Trim();
            if (value.Length == 0)
            {
                continue;
            }

            var badName = TextRules.Problem(name);
            if ((badName ?? TextRules.Problem(value)) is { } problem)
            {
                errors.Add(badName is null ? name : "fields", problem);
                continue;
            }

            var target = map.TryGetValue(name, out var mapped) ? mapped : Aliases.TryGetValue(name.Trim(), out var known) ? known : $"attributes.{name.Trim()}";
            if (target == "ignore")
            {
                continue;
            }

            var node = json;
            var parts = target.Split('.', 2);
            if (parts.Length == 2)
            {
                node = (node[parts[0]] ??= new JsonObject()).AsObject();
            }

            var key = parts[^1];
            if (WholeNumbers.Contains(target))
            {
                if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                {
                    node[key] = n;
                }
                else
                {
                    errors.Add(name, $"'{value}' is not a whole number");
                }
            }
            else if (Decimals.Contains(target))
            {
                if (decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var d))
                {
                    node[key] = d;
                }
                else
                {
                    errors.Add(name, $"'{value}' is not a number");
                }
            }
            else
            {
                node[key] = value;
            }
        }

        return json.Deserialize<LeadInput>(Json.Options)!;
    }
}
