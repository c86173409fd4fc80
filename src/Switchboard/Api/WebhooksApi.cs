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
        hooks.MapPost("/{id}/deliveries/{deliveryId:long}/resend", ResendDelivery);
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

        var (row, errors) = await WebhookSubscriptions.SubscribeAsync(
            db, options, input!.Url, input.Events, input.TeamIds, input.RepIds, input.ExcludeFields, time.GetUtcNow(), ct);
        return row is null
            ? errors.ToProblem()
            : TypedResults.Created($"/api/webhooks/{row.Id}", new WebhookCreated(row.Id, row.Secret, WebhookView.From(row)));
    }

    public static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> GetWebhook(string id, SwitchboardDb db, CancellationToken ct) =>
        await db.Webhooks.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct) is { } row ? TypedResults.Ok(WebhookView.From(row)) : Problems.NotFound($"no webhook '{id}'");

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteWebhook(string id, SwitchboardDb db, CancellationToken ct) =>
        await WebhookSubscriptions.UnsubscribeAsync(db, id, ct) ? TypedResults.NoContent() : Problems.NotFound($"no webhook '{id}'");

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

    /// <summary>Sends a finished delivery again now, with a fresh round of retries.</summary>
    public static async Task<Results<Accepted, ProblemHttpResult>> ResendDelivery(string id, long deliveryId, SwitchboardDb db, TimeProvider time, CancellationToken ct) =>
        await WebhookSubscriptions.ResendAsync(db, id, deliveryId, time.GetUtcNow(), ct) switch
        {
            Resend.Queued => TypedResults.Accepted($"/api/webhooks/{id}/deliveries"),
            Resend.NotFound => Problems.NotFound($"no delivery {deliveryId} of webhook '{id}'"),
            var refused => Problems.Conflict(WebhookSubscriptions.Explain(refused)),
        };
}
