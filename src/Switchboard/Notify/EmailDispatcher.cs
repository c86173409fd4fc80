using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Switchboard.Storage;

namespace Switchboard.Notify;

/// <summary>
/// Emails reps about their leads from the same outbox as the webhooks: for each event of the configured
/// types, the rep it concerns (or the lead's owner) gets the template filled in, if they have an email
/// address. Failures are retried with the webhooks' backoff; each event is marked once it is done.
/// </summary>
public sealed class EmailDispatcher(IServiceScopeFactory scopes, TimeProvider time, SwitchboardOptions options, ILogger<EmailDispatcher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Smtp is null)
        {
            return;
        }

        var interval = TimeSpan.FromMilliseconds(options.ClockMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SendDueAsync(options.Smtp, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError(e, "Sending emails failed; trying again in {Interval}", interval);
            }

            await Task.Delay(interval, time, stoppingToken);
        }
    }

    private async Task SendDueAsync(SmtpSettings smtp, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var now = time.GetUtcNow();
        var wanted = smtp.Events;

        // Events nobody is emailed about are done in one statement (only when there are any: a write
        // takes SQLite's write lock, which routing needs), not one write per event.
        var unwanted = db.Outbox.Where(o => o.EmailedAt == null && !wanted.Contains(o.Type));
        if (await unwanted.AnyAsync(ct))
        {
            await unwanted.ExecuteUpdateAsync(u => u.SetProperty(o => o.EmailedAt, now), ct);
        }
        var due = await db.Outbox.AsNoTracking()
            .Where(o => o.EmailedAt == null && (o.EmailNextAt == null || o.EmailNextAt <= now))
            .OrderBy(o => o.Id).Take(100).ToListAsync(ct);
        foreach (var e in due)
        {
            var id = e.Id;

            var repId = e.RepId ?? await db.Leads.AsNoTracking().Where(l => l.Id == e.LeadId).Select(l => l.OwnerRepId).FirstOrDefaultAsync(ct);
            var rep = repId is null ? null : await db.Reps.AsNoTracking().FirstOrDefaultAsync(r => r.Id == repId, ct);
            if (rep?.Email is not { Length: > 0 } address)
            {
                await db.Outbox.Where(o => o.Id == id).ExecuteUpdateAsync(u => u.SetProperty(o => o.EmailedAt, now), ct);
                continue;
            }

            // Claim the event for this attempt, so a second instance does not send it too.
            var until = now + TimeSpan.FromMinutes(1);
            if (await db.Outbox.Where(o => o.Id == id && o.EmailedAt == null && (o.EmailNextAt == null || o.EmailNextAt <= now))
                    .ExecuteUpdateAsync(u => u.SetProperty(o => o.EmailNextAt, until), ct) == 0)
            {
                continue;
            }

            try
            {
                await SendAsync(smtp, Render(smtp.Template, e, rep, address), ct);
                await db.Outbox.Where(o => o.Id == id).ExecuteUpdateAsync(u => u.SetProperty(o => o.EmailedAt, time.GetUtcNow()), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                var attempts = e.EmailAttempts + 1;
                var wait = WebhookDispatcher.Backoff[Math.Min(attempts, WebhookDispatcher.Backoff.Length) - 1];
                log.LogWarning(ex, "Email about {EventId} to {Address} failed (attempt {Attempts})", e.EventId, address, attempts);
                await db.Outbox.Where(o => o.Id == id).ExecuteUpdateAsync(u => u
                    .SetProperty(o => o.EmailAttempts, attempts)
                    .SetProperty(o => o.EmailNextAt, now + wait)
                    .SetProperty(o => o.EmailedAt, attempts > WebhookDispatcher.Backoff.Length ? now : null), ct);
            }
        }
    }

    private MimeMessage Render(string template, OutboxRow e, RepRow rep, string address)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(e.Body)!;
        var text = template
            .Replace("{type}", e.Type, StringComparison.Ordinal)
            .Replace("{leadId}", e.LeadId, StringComparison.Ordinal)
            .Replace("{repName}", rep.Name, StringComparison.Ordinal)
            .Replace("{note}", body["data"]?["note"]?.GetValue<string>() ?? "", StringComparison.Ordinal)
            .Replace("{at}", e.CreatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.Smtp!.From));
        message.To.Add(new MailboxAddress(rep.Name, address));
        message.Subject = newline < 0 ? text : text[..newline].Trim();
        message.Headers.Add("X-Switchboard-Event", e.EventId);
        message.Body = new TextPart("plain") { Text = newline < 0 ? "" : text[(newline + 1)..] };
        return message;
    }

    internal static async Task SendAsync(SmtpSettings smtp, MimeMessage message, CancellationToken ct)
    {
        using var client = new SmtpClient();
        var security = smtp.Security switch
        {
            "ssl" => SecureSocketOptions.SslOnConnect,
            "starttls" => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        };
        await client.ConnectAsync(smtp.Host, smtp.Port, security, ct);
        if (smtp.User is { Length: > 0 } user)
        {
            await client.AuthenticateAsync(user, smtp.Password ?? "", ct);
        }

        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
    }
}
