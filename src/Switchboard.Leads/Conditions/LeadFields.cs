
namespace Switchboard.Leads.Conditions;

/// <summary>
/// The lead fields a condition may read, each with a compiled accessor. An explicit table instead of
/// reflection: a condition can only ever read these, and reading costs a delegate call.
/// </summary>
public static class LeadFields
{
    private static readonly Dictionary<string, (ValueKind Kind, Func<Lead, ConditionValue> Read)> Fields =
        new(StringComparer.Ordinal)
        {
            ["source"] = (ValueKind.String, l => ConditionValue.Of(l.Source)),
            ["firstName"] = (ValueKind.String, l => ConditionValue.Of(l.FirstName)),
            ["lastName"] = (ValueKind.String, l => ConditionValue.Of(l.LastName)),
            ["email"] = (ValueKind.String, l => ConditionValue.Of(l.Email)),
            ["phone"] = (ValueKind.String, l => ConditionValue.Of(l.Phone)),
            ["title"] = (ValueKind.String, l => ConditionValue.Of(l.Title)),
            ["company.name"] = (ValueKind.String, l => ConditionValue.Of(l.Company.Name)),
            ["company.domain"] = (ValueKind.String, l => ConditionValue.Of(l.Company.Domain)),
            ["company.employees"] = (ValueKind.Number, l => ConditionValue.Of(l.Company.Employees)),
            ["company.industry"] = (ValueKind.String, l => ConditionValue.Of(l.Company.Industry)),
            ["company.annualRevenue"] = (ValueKind.Number, l => ConditionValue.Of(l.Company.AnnualRevenue)),
            ["country"] = (ValueKind.String, l => ConditionValue.Of(l.Country)),
            ["region"] = (ValueKind.String, l => ConditionValue.Of(l.Region)),
            ["city"] = (ValueKind.String, l => ConditionValue.Of(l.City)),
            ["postalCode"] = (ValueKind.String, l => ConditionValue.Of(l.PostalCode)),
            ["language"] = (ValueKind.String, l => ConditionValue.Of(l.Language)),
            ["productInterest"] = (ValueKind.String, l => ConditionValue.Of(l.ProductInterest)),
            ["value"] = (ValueKind.Number, l => ConditionValue.Of(l.Value)),
            ["score"] = (ValueKind.Number, l => ConditionValue.Of(l.Score)),
        };

    public const string AttributesPrefix = "attributes.";

    public static IEnumerable<string> Names => Fields.Keys;

    /// <summary>Finds the accessor for a field path; attributes are typed at run time (Kind is null).</summary>
    public static bool TryGet(string path, out ValueKind? kind, out Func<Lead, ConditionValue> read)
    {
        if (Fields.TryGetValue(path, out var field))
        {
            kind = field.Kind;
            read = field.Read;
            return true;
        }

        if (path.StartsWith(AttributesPrefix, StringComparison.Ordinal) && path.Length > AttributesPrefix.Length)
        {
            var name = path[AttributesPrefix.Length..];
            kind = null;
            read = l => l.Attributes.TryGetValue(name, out var v) ? ConditionValue.FromObject(v) : ConditionValue.Null;
            return true;
        }

        kind = null;
        read = _ => ConditionValue.Null;
        return false;
    }
}
