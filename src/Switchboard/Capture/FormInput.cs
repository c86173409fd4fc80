using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Distribution;
using Switchboard.Storage;

namespace Switchboard.Capture;

/// <summary>A website form as an admin sets it up (API or admin screen): where its posts go, how its fields map to a lead.</summary>
public sealed record FormInput(
    string? Key,
    [property: Limit(Limits.Name)] string? Name,
    [property: Limit(Limits.Name)] string? Source = null,
    [property: Limit(Limits.ShortList)] Dictionary<string, string>? FieldMap = null,
    [property: Limit(Limits.Url)] string? ThankYouUrl = null,
    [property: Limit(Limits.Name)] string? HoneypotField = null,
    [property: Limit(Limits.ShortList)] List<string>? AllowedOrigins = null)
{
    /// <summary>Checks and stores a new form: the form, or the fields at fault, or a conflict.</summary>
    public async Task<(FormRow? Row, FieldErrors Errors, string? Conflict)> SaveAsync(SwitchboardDb db, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (Key is null || !RepInput.IdShape().IsMatch(Key))
        {
            errors.Add("key", "required: 1-64 letters, digits, '.', '_' or '-'");
        }

        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add("name", "required");
        }

        foreach (var (field, target) in FieldMap ?? [])
        {
            if (LeadFields.TargetError(target) is { } error)
            {
                errors.Add($"fieldMap.{field}", error);
            }
        }

        if (ThankYouUrl is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
        {
            errors.Add("thankYouUrl", "an absolute http(s) URL");
        }

        foreach (var (origin, i) in (AllowedOrigins ?? []).Select((o, i) => (o, i)))
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var o) || o.Scheme is not ("http" or "https") || o.AbsolutePath != "/")
            {
                errors.Add($"allowedOrigins[{i}]", "an origin such as https://www.example.com (scheme, host and port only)");
            }
        }

        if (errors.Any)
        {
            return (null, errors, null);
        }

        if (await db.Forms.AnyAsync(f => f.Key == Key, ct))
        {
            return (null, errors, $"form '{Key}' already exists");
        }

        var row = new FormRow
        {
            Key = Key!,
            Name = Name!.Trim(),
            Source = string.IsNullOrWhiteSpace(Source) ? null : Source.Trim(),
            FieldMapJson = FieldMap is { Count: > 0 } map ? JsonSerializer.Serialize(map) : null,
            ThankYouUrl = ThankYouUrl,
            HoneypotField = string.IsNullOrWhiteSpace(HoneypotField) ? null : HoneypotField.Trim(),
            AllowedOrigins = [.. (AllowedOrigins ?? []).Select(o => o.TrimEnd('/'))],
            CreatedAt = now,
        };
        db.Forms.Add(row);
        await db.SaveChangesAsync(ct);
        return (row, errors, null);
    }

    /// <summary>Removes a form (its posts are refused from then on); false when there was none.</summary>
    public static async Task<bool> RemoveAsync(SwitchboardDb db, string key, CancellationToken ct)
    {
        if (await db.Forms.FirstOrDefaultAsync(f => f.Key == key, ct) is not { } row)
        {
            return false;
        }

        db.Forms.Remove(row); // tracked, so the audit log keeps what it was
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// The HTML to paste into a website: a plain form posting to this service, with the fields the form
    /// maps (else name, email, phone and company), and its honeypot field hidden from people.
    /// </summary>
    public static string Snippet(FormRow form, string baseUrl)
    {
        var map = form.FieldMapJson is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(form.FieldMapJson)!;
        (string Name, string Label, string Type)[] fields = map.Count > 0
            ? [.. map.Where(m => m.Value != "ignore").Select(m => (m.Key, LabelOf(m.Value), m.Value == "email" ? "email" : m.Value == "phone" ? "tel" : "text"))]
            : [("firstName", "First name", "text"), ("lastName", "Last name", "text"), ("email", "Email", "email"), ("phone", "Phone", "tel"), ("company", "Company", "text")];
        static string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"{E(baseUrl.TrimEnd('/'))}/forms/{E(form.Key)}\">\n");
        foreach (var (name, label, type) in fields)
        {
            html.Append(CultureInfo.InvariantCulture, $"  <label>{E(label)} <input type=\"{type}\" name=\"{E(name)}\"{(type == "email" ? " autocomplete=\"email\"" : "")}></label>\n");
        }

        if (form.HoneypotField is { } trap)
        {
            html.Append(CultureInfo.InvariantCulture, $"  <input type=\"text\" name=\"{E(trap)}\" tabindex=\"-1\" autocomplete=\"off\" aria-hidden=\"true\" style=\"position:absolute;left:-10000px\">\n");
        }

        html.Append("  <button type=\"submit\">Send</button>\n</form>\n");
        return html.ToString();
    }

    private static string LabelOf(string target) => target switch
    {
        "firstName" => "First name",
        "lastName" => "Last name",
        "email" => "Email",
        "phone" => "Phone",
        "company.name" => "Company",
        "title" => "Job title",
        _ when target.StartsWith("attributes.", StringComparison.Ordinal) => target["attributes.".Length..],
        _ => target,
    };
}
