using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Switchboard.Storage;
using Switchboard.Views;

namespace Switchboard.Notify;

/// <summary>
/// The body of every notification (schema version 1, documented in docs/webhooks.md):
/// <c>{type, version, timestamp, data: {leadId, repId, actor, note, lead, decision}}</c> — the lead as
/// <c>GET /api/leads/{id}</c> shows it (without timeline and trace) and, when the change routed it, the decision.
/// </summary>
public sealed record EventBody(string Type, int Version, DateTimeOffset Timestamp, EventData Data);

public sealed record EventData(string LeadId, string? RepId, string Actor, string? Note, LeadView? Lead, DecisionSummary? Decision);

/// <summary>What a routing decision came to, without the full trace (GET /api/leads/{id} has it).</summary>
public sealed record DecisionSummary(string Kind, int FlowVersion, string Rule, string? Strategy, string? RepId, string? PoolId, string Explanation)
{
    /// <summary>From a decision recorded in this save (<see cref="DecisionView.Record"/> keeps its summary on the row).</summary>
    public static DecisionSummary From(DecisionRow d)
    {
        var (strategy, explanation) = d.Summary ?? throw new InvalidOperationException($"decision of lead '{d.LeadId}' was not recorded by DecisionView.Record");
        return new(d.Kind, d.FlowVersion, d.Rule, strategy, d.RepId, d.PoolId, explanation);
    }
}

/// <summary>The event body's shape, and the lead fields a subscription may leave out.</summary>
public static class EventPayload
{
    public const int Version = 1;

    private static readonly HashSet<string> LeadFields = typeof(LeadView).GetProperties()
        .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToHashSet(StringComparer.Ordinal);

    private static readonly HashSet<string> CompanyFields = typeof(CompanyView).GetProperties()
        .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToHashSet(StringComparer.Ordinal);

    /// <summary><c>email</c>, <c>company.name</c>, <c>attributes.plan</c>…: a field of the lead as the API shows it.</summary>
    public static bool IsLeadField(string field) => field.Split('.') switch
    {
        [var top] => LeadFields.Contains(top) && top is not ("id" or "decision" or "timeline"),
        ["company", var sub] => CompanyFields.Contains(sub),
        ["attributes", { Length: > 0 }] => true,
        _ => false,
    };

    /// <summary>The body with <paramref name="excluded"/> taken out of <c>data.lead</c>; unchanged when none are.</summary>
    public static string Without(string body, IReadOnlyCollection<string> excluded)
    {
        if (excluded.Count == 0 || JsonNode.Parse(body)?["data"]?["lead"] is not JsonObject lead)
        {
            return body;
        }

        foreach (var field in excluded)
        {
            var path = field.Split('.', 2);
            if (path.Length == 1)
            {
                lead.Remove(path[0]);
            }
            else if (lead[path[0]] is JsonObject inner)
            {
                inner.Remove(path[1]);
            }
        }

        return lead.Root.ToJsonString(Json.Options);
    }
}

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

    /// <summary>
    /// Adds the events of the save's new timeline entries that someone will read: all of them while a
    /// webhook is enabled, else only the types emailed to reps, written as already handed out (the
    /// fan-out would only mark them so, one write per tick taking the write lock routing needs). An
    /// event nobody reads is not written at all: a later subscription starts from its own time anyway,
    /// and under load these rows were half of the bytes each lead wrote.
    /// </summary>
    public static async Task AddToOutboxAsync(SwitchboardDb db, CancellationToken ct)
    {
        var added = db.ChangeTracker.Entries<LeadEventRow>()
            .Where(e => e.State == Microsoft.EntityFrameworkCore.EntityState.Added)
            .Select(e => e.Entity)
            .ToList();
        if (added.Count == 0)
        {
            return;
        }

        // The lead as this save leaves it: tracked by the change, or (changed by a bulk update) read once.
        var leads = db.ChangeTracker.Entries<LeadRow>().Select(e => e.Entity).DistinctBy(l => l.Id).ToDictionary(l => l.Id, StringComparer.Ordinal);
        var missing = added.Where(e => Types.ContainsKey(e.Type) && !leads.ContainsKey(e.LeadId)).Select(e => e.LeadId).Distinct().ToList();
        if (missing.Count > 0)
        {
            foreach (var row in await db.Leads.AsNoTracking().Where(l => missing.Contains(l.Id)).ToListAsync(ct))
            {
                leads[row.Id] = row;
            }
        }

        var decisions = db.ChangeTracker.Entries<DecisionRow>()
            .Where(e => e.State == Microsoft.EntityFrameworkCore.EntityState.Added)
            .GroupBy(e => e.Entity.LeadId)
            .ToDictionary(g => g.Key, g => g.Last().Entity, StringComparer.Ordinal);
        var views = new Dictionary<string, LeadView>(StringComparer.Ordinal);
        bool? subscribed = null;
        var emailed = db.EmailedEvents;
        foreach (var entry in added)
        {
            if (!Types.TryGetValue(entry.Type, out var type))
            {
                continue;
            }

            subscribed ??= await db.Webhooks.AnyAsync(w => w.Enabled, ct);
            if (!subscribed.Value && !emailed.Contains(type))
            {
                continue;
            }

            var lead = views.TryGetValue(entry.LeadId, out var v) ? v
                : leads.TryGetValue(entry.LeadId, out var l) ? views[entry.LeadId] = LeadView.From(l, null, null)
                : null;
            var decision = decisions.TryGetValue(entry.LeadId, out var d) ? DecisionSummary.From(d) : null;
            var body = new EventBody(type, EventPayload.Version, entry.At, new EventData(entry.LeadId, entry.RepId, entry.Actor, entry.Note, lead, decision));
            db.Outbox.Add(new OutboxRow
            {
                EventId = "evt_" + Guid.CreateVersion7(entry.At).ToString("N", CultureInfo.InvariantCulture),
                Type = type,
                LeadId = entry.LeadId,
                RepId = entry.RepId,
                Body = JsonSerializer.Serialize(body, Json.Options),
                CreatedAt = entry.At,
                FannedOutAt = subscribed.Value ? null : entry.At,
            });
        }
    }
}
