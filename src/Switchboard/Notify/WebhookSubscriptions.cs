using Microsoft.EntityFrameworkCore;
using Switchboard.Storage;

namespace Switchboard.Notify;

/// <summary>What sending a delivery again gave.</summary>
public enum Resend
{
    Queued,
    NotFound,
    StillPending,
    EventGone,
    Disabled,
}

/// <summary>
/// Subscribing an endpoint and sending a delivery again, with the same checks for
/// <c>/api/webhooks</c> and the app's webhook screen.
/// </summary>
public static class WebhookSubscriptions
{
    public static async Task<(WebhookRow? Row, FieldErrors Errors)> SubscribeAsync(
        SwitchboardDb db, SwitchboardOptions options, string? url, IReadOnlyList<string>? events, IReadOnlyList<string>? teamIds,
        IReadOnlyList<string>? repIds, IReadOnlyList<string>? excludeFields, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(url))
        {
            errors.Add("url", "required");
        }
        else if (await StandardWebhooks.RefuseAsync(url, options.WebhooksAllowPrivate, ct) is { } refused)
        {
            errors.Add("url", refused);
        }

        if (events is not { Count: > 0 })
        {
            errors.Add("events", $"at least one: * or {string.Join(", ", LeadNotifications.Types.Values.Distinct())}");
        }

        foreach (var (e, i) in (events ?? []).Select((e, i) => (e, i)))
        {
            if (e != "*" && !LeadNotifications.Types.Values.Contains(e))
            {
                errors.Add($"events[{i}]", $"unknown event '{e}'");
            }
        }

        foreach (var (field, i) in (excludeFields ?? []).Select((f, i) => (f, i)))
        {
            if (!EventPayload.IsLeadField(field))
            {
                errors.Add($"excludeFields[{i}]", $"'{field}' is not a lead field; use the names of GET /api/leads/{{id}}, e.g. email, phone, company.name, attributes");
            }
        }

        string[] teams = [.. teamIds ?? []];
        string[] reps = [.. repIds ?? []];
        foreach (var missing in teams.Except(await db.Teams.Where(t => teams.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct)))
        {
            errors.Add("teamIds", $"team '{missing}' does not exist");
        }

        foreach (var missing in reps.Except(await db.Reps.Where(r => reps.Contains(r.Id)).Select(r => r.Id).ToListAsync(ct)))
        {
            errors.Add("repIds", $"rep '{missing}' does not exist");
        }

        if (errors.Any)
        {
            return (null, errors);
        }

        var row = new WebhookRow
        {
            Id = "wh_" + Guid.CreateVersion7(now).ToString("N"),
            Url = url!,
            Events = [.. events!.Distinct()],
            TeamIds = teams,
            RepIds = reps,
            ExcludeFields = [.. (excludeFields ?? []).Distinct()],
            Secret = StandardWebhooks.NewSecret(),
            CreatedAt = now,
        };
        db.Webhooks.Add(row);
        await db.SaveChangesAsync(ct);
        return (row, errors);
    }

    /// <summary>Removes a subscription (false when there is none); its pending deliveries are cancelled.</summary>
    public static async Task<bool> UnsubscribeAsync(SwitchboardDb db, string id, CancellationToken ct)
    {
        if (await db.Webhooks.FirstOrDefaultAsync(w => w.Id == id, ct) is not { } row)
        {
            return false;
        }

        db.Webhooks.Remove(row); // tracked, so the audit log keeps what it was
        await db.SaveChangesAsync(ct);
        await db.Deliveries.Where(d => d.WebhookId == id && d.Status == "pending").ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, "cancelled"), ct);
        return true;
    }

    /// <summary>
    /// Queues a delivered, failed or given-up delivery to be sent again now, with a fresh round of
    /// retries; the event keeps its id (the <c>webhook-id</c> header), so a receiver that already has it
    /// can tell. Refused when the event is past <see cref="WebhookDispatcher.EventRetention"/> and no
    /// longer kept, or when the subscription was disabled by a 410.
    /// </summary>
    public static async Task<Resend> ResendAsync(SwitchboardDb db, string webhookId, long deliveryId, DateTimeOffset now, CancellationToken ct)
    {
        var delivery = await db.Deliveries.FirstOrDefaultAsync(d => d.Id == deliveryId && d.WebhookId == webhookId, ct);
        if (delivery is null)
        {
            return Resend.NotFound;
        }

        if (delivery.Status == "pending")
        {
            return Resend.StillPending;
        }

        if (!await db.Webhooks.AnyAsync(w => w.Id == webhookId && w.Enabled, ct))
        {
            return Resend.Disabled;
        }

        if (!await db.Outbox.AnyAsync(o => o.Id == delivery.OutboxId, ct))
        {
            return Resend.EventGone;
        }

        (delivery.Status, delivery.Attempts, delivery.NextAttemptAt, delivery.LockedUntil) = ("pending", 0, now, null);
        await db.SaveChangesAsync(ct);
        return Resend.Queued;
    }

    /// <summary>What a refused re-send tells the person.</summary>
    public static string Explain(Resend result) => result switch
    {
        Resend.NotFound => "no such delivery",
        Resend.StillPending => "the delivery is still being tried; it is sent again on its own",
        Resend.Disabled => "the endpoint answered 410 Gone and the subscription is disabled; subscribe it again",
        Resend.EventGone => $"the event is older than {WebhookDispatcher.EventRetention.TotalDays:0} days and no longer kept",
        _ => "queued: it is sent within seconds",
    };
}
