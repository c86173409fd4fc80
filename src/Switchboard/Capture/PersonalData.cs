using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Storage;

namespace Switchboard.Capture;

/// <summary>
/// Erasing a person on request: the lead's personal fields (names, email, phone, title, city, postal
/// code, external id, custom attributes) are removed, and so is every copy of them — timeline notes,
/// the decision trace, the outbox's event bodies, stored idempotent answers — while the lead itself,
/// its routing history and the counts stay. What remains is a tombstone of hashes (<see cref="ErasureRow"/>)
/// so the same person arriving again is recognised as erased. Webhook receivers and files already
/// handed out are beyond the service's reach.
/// </summary>
public static class PersonalData
{
    public const string Erased = "[erased]";

    /// <summary>Notes people type (activity notes, decline and status reasons, feedback comments): removed whole.</summary>
    private static readonly HashSet<string> TypedNotes = ["activity", "declined", "status_changed", "reassigned", "feedback"];

    public static string Hash(string value) => Sha256.Hex(value);

    /// <summary>Erases the lead's personal data everywhere it is kept; the caller saves and commits. Returns the fields erased.</summary>
    public static async Task<List<string>> EraseAsync(SwitchboardDb db, LeadRow lead, string by, DateTimeOffset now, CancellationToken ct)
    {
        var values = ValuesOf(lead);
        db.Erasures.Add(new ErasureRow
        {
            LeadId = lead.Id, At = now, By = by,
            EmailHash = lead.Email is { } email ? Hash(email) : null,
            PhoneHash = lead.Phone is { } phone ? Hash(phone) : null,
            ExternalIdHash = lead.ExternalId is { } external ? Hash(external) : null,
        });

        var fields = new List<string>();
        void Clear(string name, string? value, Action clear)
        {
            if (value is not null)
            {
                clear();
                fields.Add(name);
            }
        }

        Clear("firstName", lead.FirstName, () => lead.FirstName = null);
        Clear("lastName", lead.LastName, () => lead.LastName = null);
        Clear("email", lead.Email, () => lead.Email = null);
        Clear("phone", lead.Phone, () => lead.Phone = null);
        Clear("title", lead.Title, () => lead.Title = null);
        Clear("city", lead.City, () => lead.City = null);
        Clear("postalCode", lead.PostalCode, () => lead.PostalCode = null);
        Clear("externalId", lead.ExternalId, () => lead.ExternalId = null);
        Clear("attributes", lead.AttributesJson, () => lead.AttributesJson = null);
        lead.UpdatedAt = now;

        foreach (var e in await db.LeadEvents.Where(e => e.LeadId == lead.Id && e.Note != null).ToListAsync(ct))
        {
            e.Note = TypedNotes.Contains(e.Type) ? Erased : Scrub(e.Note!, values);
        }

        foreach (var d in await db.Decisions.Where(d => d.LeadId == lead.Id).ToListAsync(ct))
        {
            d.TraceJson = ScrubJson(d.TraceJson, values);
        }

        foreach (var o in await db.Outbox.Where(o => o.LeadId == lead.Id).ToListAsync(ct))
        {
            o.Body = ScrubJson(o.Body, values);
        }

        var id = lead.Id;
        foreach (var i in await db.IdempotencyKeys.Where(i => i.ResponseJson.Contains(id)).ToListAsync(ct))
        {
            i.ResponseJson = ScrubJson(i.ResponseJson, values);
        }

        db.LeadEvents.Add(new LeadEventRow { LeadId = lead.Id, Type = "erased", At = now, Actor = by, Note = $"personal data erased on request: {string.Join(", ", fields)}" });
        return fields;
    }

    /// <summary>The lead's personal values as they may appear in text and in JSON (escaped), longest first.</summary>
    private static List<string> ValuesOf(LeadRow lead)
    {
        var values = new List<string?> { lead.FirstName, lead.LastName, lead.Email, lead.Phone, lead.Title, lead.City, lead.PostalCode, lead.ExternalId };
        if (lead.FirstName is not null && lead.LastName is not null)
        {
            values.Add($"{lead.FirstName} {lead.LastName}");
        }

        if (lead.AttributesJson is { } attributes)
        {
            foreach (var (_, v) in JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(attributes, Json.Options) ?? [])
            {
                values.Add(v.ValueKind == JsonValueKind.String ? v.GetString() : null);
            }
        }

        return [.. values.OfType<string>().Where(v => v.Length >= 2).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length)];
    }

    /// <summary>The same inside JSON: every string value scrubbed, the document's shape (names, numbers, ids) left whole.</summary>
    private static string ScrubJson(string json, List<string> values)
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(json);
        if (root is null)
        {
            return json;
        }

        Walk(root);
        return root.ToJsonString(Json.Options);

        System.Text.Json.Nodes.JsonNode? Cleaned(System.Text.Json.Nodes.JsonNode? child)
        {
            if (child is System.Text.Json.Nodes.JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                var text = v.GetValue<string>();
                var scrubbed = Scrub(text, values);
                return scrubbed == text ? null : System.Text.Json.Nodes.JsonValue.Create(scrubbed);
            }

            Walk(child);
            return null;
        }

        void Walk(System.Text.Json.Nodes.JsonNode? node)
        {
            if (node is System.Text.Json.Nodes.JsonObject o)
            {
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (Cleaned(o[key]) is { } replaced)
                    {
                        o[key] = replaced;
                    }
                }
            }
            else if (node is System.Text.Json.Nodes.JsonArray a)
            {
                for (var i = 0; i < a.Count; i++)
                {
                    if (Cleaned(a[i]) is { } replaced)
                    {
                        a[i] = replaced;
                    }
                }
            }
        }
    }

    private static string Scrub(string text, List<string> values)
    {
        foreach (var v in values)
        {
            text = text.Replace(v, Erased, StringComparison.OrdinalIgnoreCase);
        }

        return text;
    }
}
