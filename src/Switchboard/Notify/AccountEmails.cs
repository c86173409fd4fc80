using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using MimeKit;
using Switchboard.Storage;

namespace Switchboard.Notify;

/// <summary>
/// Invitations and password resets: a link with an Identity token (one day, one use) to the page where
/// the person chooses a password, mailed through the SMTP settings the lead emails use. Without SMTP
/// the link is only shown to the admin who asked (invitations) or written to the log (resets).
/// </summary>
public sealed class AccountEmails(IServiceScopeFactory scopes, SwitchboardOptions options, IServer server, ILogger<AccountEmails> log)
{
    /// <summary>The link that lets <paramref name="user"/> choose a password, mailed when SMTP is set; whether it was mailed.</summary>
    public async Task<(string Link, bool Mailed)> InviteAsync(UserManager<UserRow> users, UserRow user, CancellationToken ct)
    {
        var link = await PasswordLinkAsync(users, user);
        var mailed = await SendAsync(user.Email!, "You are invited to Switchboard",
            $"You can now sign in to Switchboard as {user.Email} ({user.Role}).\n\nChoose your password here (the link works for one day):\n{link}\n", ct);
        return (link, mailed);
    }

    /// <summary>Mails a reset link if an account uses <paramref name="email"/>; says nothing either way to whoever asked.</summary>
    public async Task SendPasswordResetAsync(string email, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<UserRow>>();
        if (await users.FindByEmailAsync(email) is not { } user)
        {
            log.LogInformation("Password reset asked for an address without an account");
            return;
        }

        var link = await PasswordLinkAsync(users, user);
        if (!await SendAsync(email, "Reset your Switchboard password",
                $"Someone asked to reset the password of {email} on Switchboard. If it was you, choose a new one here (the link works for one day):\n{link}\n\nIf it was not you, ignore this message.\n", ct))
        {
            log.LogWarning("Password reset for user {UserId} not mailed: SMTP is not set (SWITCHBOARD_SMTP_HOST); an admin can invite them again", user.Id);
        }
    }

    private async Task<string> PasswordLinkAsync(UserManager<UserRow> users, UserRow user)
    {
        var token = await users.GeneratePasswordResetTokenAsync(user);
        return $"{BaseUrl()}/account/password?user={Uri.EscapeDataString(user.Id)}&token={Uri.EscapeDataString(token)}";
    }

    /// <summary>SWITCHBOARD_PUBLIC_URL, else the first address the service listens on.</summary>
    public string BaseUrl() =>
        options.PublicUrl ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()?.TrimEnd('/') ?? SwitchboardApp.DefaultUrl;

    private async Task<bool> SendAsync(string to, string subject, string text, CancellationToken ct)
    {
        if (options.Smtp is not { } smtp)
        {
            return false;
        }

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = text };
        try
        {
            await EmailDispatcher.SendAsync(smtp, message, ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Mail '{Subject}' could not be sent", subject);
            return false;
        }
    }
}
