using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Notify;
using Switchboard.Storage;

namespace Switchboard.Api;

/// <summary>A subscription: where, which events, for which teams or reps, and lead fields the endpoint is not sent.</summary>
public sealed record WebhookInput(
    [property: Limit(Limits.Url)] string? Url,
    [property: Limit(Limits.ShortList)] List<string>? Events,
    [property: Limit(Limits.LongList)] List<string>? TeamIds = null,
    [property: Limit(Limits.LongList)] List<string>? RepIds = null,
    [property: Limit(Limits.ShortList)] List<string>? ExcludeFields = null);

public sealed record WebhookView(
    string Id, string Url, IReadOnlyList<string> Events, IReadOnlyList<string> TeamIds, IReadOnlyList<string> RepIds, bool Enabled, string? DisabledReason,
    DateTimeOffset CreatedAt, IReadOnlyList<string> ExcludeFields)
{
    public static WebhookView From(WebhookRow w) => new(w.Id, w.Url, w.Events, w.TeamIds, w.RepIds, w.Enabled, w.DisabledReason, w.CreatedAt, w.ExcludeFields);
}

/// <summary>The answer to a new subscription: the only time the secret is shown.</summary>
public sealed record WebhookCreated(string Id, string Secret, WebhookView Webhook);

public sealed record AttemptView(DateTimeOffset At, int? StatusCode, string? Error, int Milliseconds);

public sealed record DeliveryView(long Id, string EventId, string Type, string Status, int Attempts, DateTimeOffset? NextAttemptAt, int? LastStatusCode, string? LastError, DateTimeOffset? DeliveredAt, IReadOnlyList<AttemptView> Log);

/// <summary><c>/api/webhooks</c>: subscriptions to lead events, and their delivery log.</summary>
public static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooksApi(this RouteGroupBuilder api)
    {
        var hooks = api.MapGroup("/webhooks").WithTags("Webhooks");
        hooks.MapPost("/", CreateWebhook).Accepts<WebhookInput>("application/json");
        hooks.MapGet("/", async (SwitchboardDb db, CancellationToken ct) =>
            TypedResults.Ok((await db.Webhooks.AsNoTracking().OrderBy(w => w.CreatedAt).ToListAsync(ct)).Select(WebhookView.From).ToList()));
        hooks.MapGet("/{id}", GetWebhook);
        hooks.MapDelete("/{id}", DeleteWebhook);
        hooks.MapGet("/{id}/deliveries", ListDeliveries);
        return api;
    }

    public static async Task<Results<Created<WebhookCreated>, ValidationProblem>> CreateWebhook(
        HttpRequest request, SwitchboardDb db, SwitchboardOptions options, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<WebhookInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(input!.Url))
        {
            errors.Add("url", "required");
        }
        else if (await StandardWebhooks.RefuseAsync(input.Url, options.WebhooksAllowPrivate, ct) is { } refused)
        {
            errors.Add("url", refused);
        }

        if (input.Events is not { Count: > 0 })
        {
            errors.Add("events", $"at least one: * or {string.Join(", ", LeadNotifications.Types.Values.Distinct())}");
        }

        foreach (var (e, i) in (input.Events ?? []).Select((e, i) => (e, i)))
        {
            if (e != "*" && !LeadNotifications.Types.Values.Contains(e))
            {
                errors.Add($"events[{i}]", $"unknown event '{e}'");
            }
        }

        foreach (var (field, i) in (input.ExcludeFields ?? []).Select((f, i) => (f, i)))
        {
            if (!EventPayload.IsLeadField(field))
            {
                errors.Add($"excludeFields[{i}]", $"'{field}' is not a lead field; use the names of GET /api/leads/{{id}}, e.g. email, phone, company.name, attributes");
            }
        }

        string[] teams = [.. input.TeamIds ?? []];
        string[] reps = [.. input.RepIds ?? []];
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
            return errors.ToProblem();
        }

        var now = time.GetUtcNow();
        var row = new WebhookRow
        {
            Id = "wh_" + Guid.CreateVersion7(now).ToString("N"),
            Url = input.Url!,
            Events = [.. input.Events!.Distinct()],
            TeamIds = teams,
            RepIds = reps,
            ExcludeFields = [.. (input.ExcludeFields ?? []).Distinct()],
            Secret = StandardWebhooks.NewSecret(),
            CreatedAt = now,
        };
        db.Webhooks.Add(row);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/webhooks/{row.Id}", new WebhookCreated(row.Id, row.Secret, WebhookView.From(row)));
    }

    public static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> GetWebhook(string id, SwitchboardDb db, CancellationToken ct) =>
        await db.Webhooks.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct) is { } row ? TypedResults.Ok(WebhookView.From(row)) : Problems.NotFound($"no webhook '{id}'");

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteWebhook(string id, SwitchboardDb db, CancellationToken ct)
    {
        if (await db.Webhooks.FirstOrDefaultAsync(w => w.Id == id, ct) is not { } row)
        {
            return Problems.NotFound($"no webhook '{id}'");
        }

        db.Webhooks.Remove(row); // tracked, so the audit log keeps what it was
        await db.SaveChangesAsync(ct);
        await db.Deliveries.Where(d => d.WebhookId == id && d.Status == "pending").ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, "cancelled"), ct);
        return TypedResults.NoContent();
    }

    /// <summary>Newest first: each event's delivery with every attempt (status code or error, time taken).</summary>
    public static async Task<Results<Ok<List<DeliveryView>>, ProblemHttpResult>> ListDeliveries(string id, SwitchboardDb db, int? limit, CancellationToken ct)
    {
        if (!await db.Webhooks.AnyAsync(w => w.Id == id, ct))
        {
            return Problems.NotFound($"no webhook '{id}'");
        }

        var rows = await db.Deliveries.AsNoTracking().Where(d => d.WebhookId == id).OrderByDescending(d => d.Id).Take(Math.Clamp(limit ?? 100, 1, 1000)).ToListAsync(ct);
        var ids = rows.Select(d => d.Id).ToArray();
        var attempts = (await db.DeliveryAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).OrderBy(a => a.Id).ToListAsync(ct)).ToLookup(a => a.DeliveryId);
        return TypedResults.Ok(rows.Select(d => new DeliveryView(
            d.Id, d.EventId, d.Type, d.Status, d.Attempts, d.Status == "pending" ? d.NextAttemptAt : null, d.LastStatusCode, d.LastError, d.DeliveredAt,
            [.. attempts[d.Id].Select(a => new AttemptView(a.At, a.StatusCode, a.Error, a.Milliseconds))])).ToList());
    }
}
