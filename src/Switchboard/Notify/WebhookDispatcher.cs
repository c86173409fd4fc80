using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Switchboard.Storage;

namespace Switchboard.Notify;

/// <summary>
/// Delivers the outbox: makes a delivery for each event and each matching subscription, then posts them,
/// signed, until the endpoint answers 2xx — retrying with exponential backoff and jitter for about three
/// days, disabling an endpoint that answers 410. At least once: an event may arrive twice (same
/// <c>webhook-id</c>), never not at all while the endpoint lives. Instances share the work through
/// conditional updates, so each delivery is sent by one of them at a time.
/// </summary>
public sealed class WebhookDispatcher(
    IServiceScopeFactory scopes, IHttpClientFactory http, TimeProvider time, SwitchboardOptions options, ILogger<WebhookDispatcher> log)
    : BackgroundService
{
    public const string HttpClientName = "webhooks";

    /// <summary>Waits after the 1st, 2nd, ... failed attempt: 5s, 5m, 30m, 2h, 5h, 10h, 14h, 20h, 24h — about 3.2 days in all.</summary>
    public static readonly TimeSpan[] Backoff =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(5),
        TimeSpan.FromHours(10), TimeSpan.FromHours(14), TimeSpan.FromHours(20), TimeSpan.FromHours(24),
    ];

    /// <summary>How long events stay in the outbox once handled (past the ~3-day retry horizon), and delivery logs.</summary>
    public static readonly TimeSpan EventRetention = TimeSpan.FromDays(7);
    public static readonly TimeSpan LogRetention = TimeSpan.FromDays(30);

    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(options.ClockMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FanOutAsync(stoppingToken);
                await DeliverDueAsync(stoppingToken);
                if (time.GetUtcNow() - _lastPrune >= TimeSpan.FromHours(1))
                {
                    await PruneAsync(stoppingToken);
                    _lastPrune = time.GetUtcNow();
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError(e, "Webhook delivery failed; trying again in {Interval}", interval);
            }

            await Task.Delay(interval, time, stoppingToken);
        }
    }

    /// <summary>Turns new outbox events into deliveries for the subscriptions that want them.</summary>
    public async Task FanOutAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var now = time.GetUtcNow();
        var hooks = await db.Webhooks.AsNoTracking().Where(w => w.Enabled).ToListAsync(ct);
        if (hooks.Count == 0)
        {
            // Nobody subscribes: events so far are done (a later subscription starts from its own time).
            // One statement, and only when there is something to mark: this runs while leads are being routed.
            if (await db.Outbox.AnyAsync(o => o.FannedOutAt == null, ct))
            {
                await db.Outbox.Where(o => o.FannedOutAt == null).ExecuteUpdateAsync(u => u.SetProperty(o => o.FannedOutAt, now), ct);
            }

            return;
        }

        var events = await db.Outbox.AsNoTracking().Where(o => o.FannedOutAt == null).OrderBy(o => o.Id).Take(500)
            .Select(o => new { o.Id, o.EventId, o.Type, o.LeadId, o.RepId }).ToListAsync(ct);
        if (events.Count == 0)
        {
            return;
        }

        var leadIds = events.Select(e => e.LeadId).Distinct().ToArray();
        var owners = await db.Leads.AsNoTracking().Where(l => leadIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, l => l.OwnerRepId, ct);
        var teams = await db.Reps.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.TeamIds, ct);
        foreach (var e in events)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var id = e.Id;
            if (await db.Outbox.Where(o => o.Id == id && o.FannedOutAt == null).ExecuteUpdateAsync(u => u.SetProperty(o => o.FannedOutAt, now), ct) == 0)
            {
                continue; // another instance took it
            }

            var rep = e.RepId ?? owners.GetValueOrDefault(e.LeadId);
            var repTeams = rep is not null && teams.TryGetValue(rep, out var t) ? t : [];
            foreach (var hook in hooks.Where(h =>
                         (h.Events.Contains("*") || h.Events.Contains(e.Type)) &&
                         (h.TeamIds.Length == 0 || h.TeamIds.Intersect(repTeams).Any()) &&
                         (h.RepIds.Length == 0 || (rep is not null && h.RepIds.Contains(rep)))))
            {
                db.Deliveries.Add(new DeliveryRow { WebhookId = hook.Id, OutboxId = e.Id, EventId = e.EventId, Type = e.Type, Status = "pending", NextAttemptAt = now, CreatedAt = now });
            }

            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
    }

    /// <summary>
    /// Forgets what is done: events handed to every subscription (and emailed, where email is on) and no
    /// longer retried, after <see cref="EventRetention"/>; finished deliveries and their attempts after
    /// <see cref="LogRetention"/>.
    /// </summary>
    public async Task PruneAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var now = time.GetUtcNow();
        var (events, logs) = (now - EventRetention, now - LogRetention);
        var emailOff = options.Smtp is null;
        var oldLogs = db.Deliveries.Where(d => d.Status != "pending" && d.CreatedAt < logs).Select(d => d.Id);
        await db.DeliveryAttempts.Where(a => oldLogs.Contains(a.DeliveryId)).ExecuteDeleteAsync(ct);
        await db.Deliveries.Where(d => d.Status != "pending" && d.CreatedAt < logs).ExecuteDeleteAsync(ct);
        var pruned = await db.Outbox
            .Where(o => o.CreatedAt < events && o.FannedOutAt != null && (emailOff || o.EmailedAt != null) &&
                        !db.Deliveries.Any(d => d.OutboxId == o.Id && d.Status == "pending"))
            .ExecuteDeleteAsync(ct);
        if (pruned > 0)
        {
            log.LogInformation("Pruned {Count} handled events older than {Cutoff}", pruned, events);
        }
    }

    /// <summary>Sends every delivery that is due, each held by this instance while it is sent.</summary>
    public async Task DeliverDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var now = time.GetUtcNow();
        var due = await db.Deliveries.AsNoTracking()
            .Where(d => d.Status == "pending" && d.NextAttemptAt <= now && (d.LockedUntil == null || d.LockedUntil < now))
            .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).Take(50).ToListAsync(ct);
        foreach (var d in due)
        {
            var id = d.Id;
            var lockUntil = now + TimeSpan.FromMilliseconds(options.WebhookTimeoutMilliseconds) + TimeSpan.FromSeconds(30);
            if (await db.Deliveries.Where(x => x.Id == id && x.Status == "pending" && (x.LockedUntil == null || x.LockedUntil < now))
                    .ExecuteUpdateAsync(u => u.SetProperty(x => x.LockedUntil, lockUntil), ct) == 0)
            {
                continue;
            }

            await SendAsync(db, d, ct);
        }
    }

    private async Task SendAsync(SwitchboardDb db, DeliveryRow delivery, CancellationToken ct)
    {
        var hook = await db.Webhooks.FirstAsync(w => w.Id == delivery.WebhookId, ct);
        if (!hook.Enabled)
        {
            await db.Deliveries.Where(x => x.Id == delivery.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.Status, "disabled").SetProperty(x => x.LockedUntil, (DateTimeOffset?)null), ct);
            return;
        }

        var body = EventPayload.Without(await db.Outbox.AsNoTracking().Where(o => o.Id == delivery.OutboxId).Select(o => o.Body).FirstAsync(ct), hook.ExcludeFields);
        var now = time.GetUtcNow();
        var timestamp = now.ToUnixTimeSeconds();
        int? status = null;
        string? error = null;
        var watch = Stopwatch.StartNew();
        if (await StandardWebhooks.RefuseAsync(hook.Url, options.WebhooksAllowPrivate, ct) is { } refused)
        {
            error = "refused: " + refused; // checked again at send time: DNS may have changed since the subscription
        }
        else
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Add("webhook-id", delivery.EventId);
                request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
                request.Headers.Add("webhook-signature", StandardWebhooks.Sign(hook.Secret, delivery.EventId, timestamp, body));
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(options.WebhookTimeoutMilliseconds);
                using var response = await http.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
                status = (int)response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                error = e is OperationCanceledException ? $"no answer within {options.WebhookTimeoutMilliseconds} ms" : e.Message;
            }
        }

        var row = await db.Deliveries.FirstAsync(x => x.Id == delivery.Id, ct);
        row.Attempts++;
        row.LastStatusCode = status;
        row.LastError = error;
        row.LockedUntil = null;
        db.DeliveryAttempts.Add(new DeliveryAttemptRow { DeliveryId = row.Id, WebhookId = hook.Id, At = now, StatusCode = status, Error = error, Milliseconds = (int)watch.ElapsedMilliseconds });
        if (status is >= 200 and < 300)
        {
            row.Status = "delivered";
            row.DeliveredAt = now;
        }
        else if (status == 410)
        {
            row.Status = "disabled";
            hook.Enabled = false;
            hook.DisabledReason = $"answered 410 Gone at {now:u}";
            var hookId = hook.Id;
            await db.Deliveries.Where(x => x.WebhookId == hookId && x.Status == "pending" && x.Id != row.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.Status, "disabled"), ct);
            log.LogWarning("Webhook {Webhook} answered 410 Gone and is disabled", hook.Id);
        }
        else if (row.Attempts > Backoff.Length)
        {
            row.Status = "failed";
            log.LogWarning("Webhook {Webhook}: giving up on event {EventId} after {Attempts} attempts", hook.Id, row.EventId, row.Attempts);
        }
        else
        {
            // ±20% jitter, so endpoints that come back are not hit by every retry at once.
            var wait = Backoff[row.Attempts - 1] * (0.8 + (0.4 * Random.Shared.NextDouble()));
            row.NextAttemptAt = now + wait;
        }

        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }
}
