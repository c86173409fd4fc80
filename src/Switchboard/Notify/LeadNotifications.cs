using System.Globalization;
using System.Text.Json;
using Switchboard.Api;
using Switchboard.Storage;

namespace Switchboard.Notify;

/// <summary>The body of every notification: <c>{type, timestamp, data: {leadId, repId, actor, note}}</c>.</summary>
public sealed record EventBody(string Type, DateTimeOffset Timestamp, EventData Data);

public sealed record EventData(string LeadId, string? RepId, string Actor, string? Note);

/// <summary>
/// Which timeline entries are announced as events, and how they enter the outbox: whenever a change
/// adds such an entry, the same SaveChanges adds its event, so events and changes commit or roll back together.
/// </summary>
public static class LeadNotifications
{
    /// <summary>Timeline type → event type.</summary>
    public static readonly IReadOnlyDictionary<string, string> Types = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["created"] = "lead.created",
        ["assigned"] = "lead.assigned",
        ["offered"] = "lead.offered",
        ["claimed"] = "lead.claimed",
        ["accepted"] = "lead.accepted",
        ["reassigned"] = "lead.reassigned",
        ["sla_breached"] = "lead.sla_breached",
        ["held"] = "lead.held",
        ["status_changed"] = "lead.status_changed",
        ["reminder"] = "lead.reminder",
        ["pooled"] = "lead.pooled",
        ["declined"] = "lead.declined",
        ["escalated"] = "lead.escalated",
        ["alert"] = "lead.alert",
    };

    public static void AddToOutbox(SwitchboardDb db)
    {
        var added = db.ChangeTracker.Entries<LeadEventRow>()
            .Where(e => e.State == Microsoft.EntityFrameworkCore.EntityState.Added)
            .Select(e => e.Entity)
            .ToList();
        foreach (var entry in added)
        {
            if (!Types.TryGetValue(entry.Type, out var type))
            {
                continue;
            }

            var body = new EventBody(type, entry.At, new EventData(entry.LeadId, entry.RepId, entry.Actor, entry.Note));
            db.Outbox.Add(new OutboxRow
            {
                EventId = "evt_" + Guid.CreateVersion7(entry.At).ToString("N", CultureInfo.InvariantCulture),
                Type = type,
                LeadId = entry.LeadId,
                RepId = entry.RepId,
                Body = JsonSerializer.Serialize(body, Json.Options),
                CreatedAt = entry.At,
            });
        }
    }
}
