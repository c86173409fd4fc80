using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Switchboard.Notify;
using Switchboard.Storage;

namespace Switchboard.Auth;

/// <summary>A person to add: without a password they get an invitation link (mailed when SMTP is set).</summary>
public sealed record NewUser(string? Email, string? Role, string? RepId, IReadOnlyList<string> TeamIds, string? Password);

/// <summary>What adding a person gave: the user, or the fields at fault, or a conflict.</summary>
public sealed record UserAdded(UserRow? User, FieldErrors Errors, string? Conflict, string? InviteUrl, bool InviteMailed);

/// <summary>A change to a person; null leaves a part as it is.</summary>
public sealed record UserChange(string? Role = null, string? RepId = null, IReadOnlyList<string>? TeamIds = null, string? Password = null, bool? Locked = null);

/// <summary>
/// Adding and changing the people who sign in, with the same checks for <c>/api/users</c>, the
/// <c>users add</c> command and the app's user screen.
/// </summary>
public static class UserAccounts
{
    public static async Task<UserAdded> AddAsync(
        SwitchboardDb db, UserManager<UserRow> users, AccountEmails emails, NewUser input, DateTimeOffset now, CancellationToken ct, bool emailConfirmed = false)
    {
        var errors = new FieldErrors();
        var email = input.Email?.Trim();
        if (email is null || !new EmailAddressAttribute().IsValid(email))
        {
            errors.Add("email", "required: an email address like name@example.com");
        }

        await Grants.CheckAsync(db, errors, input.Role, input.RepId, input.TeamIds, Grants.PersonRoles, "user", ct);
        if (input.RepId is { } repId && await db.Users.AnyAsync(u => u.RepId == repId, ct))
        {
            errors.Add("repId", $"rep '{repId}' already has a user");
        }

        if (errors.Any)
        {
            return new UserAdded(null, errors, null, null, false);
        }

        if (await users.FindByEmailAsync(email!) is not null)
        {
            return new UserAdded(null, errors, $"a user with email '{email}' already exists", null, false);
        }

        var user = new UserRow
        {
            UserName = email, Email = email, EmailConfirmed = emailConfirmed, Role = input.Role!, RepId = input.RepId,
            TeamIds = [.. input.TeamIds.Distinct()], CreatedAt = now,
        };
        var created = input.Password is { } password ? await users.CreateAsync(user, password) : await users.CreateAsync(user);
        if (!created.Succeeded)
        {
            return new UserAdded(null, IdentityErrors(created), null, null, false);
        }

        var (link, mailed) = input.Password is null ? await emails.InviteAsync(users, user, ct) : (null, false);
        return new UserAdded(user, errors, null, link, mailed);
    }

    /// <summary>Changes role, rep, teams, password or lock; the person's open sessions pick the change up within a minute.</summary>
    public static async Task<FieldErrors> ChangeAsync(SwitchboardDb db, UserManager<UserRow> users, UserRow user, UserChange change, CancellationToken ct)
    {
        var role = change.Role ?? user.Role;
        var repId = change.RepId ?? (change.Role is null || change.Role == Roles.Rep ? user.RepId : null);
        var teamIds = change.TeamIds ?? (role == Roles.Manager ? [.. user.TeamIds] : []);
        var errors = new FieldErrors();
        await Grants.CheckAsync(db, errors, role, repId, teamIds, Grants.PersonRoles, "user", ct);
        if (repId is not null && repId != user.RepId && await db.Users.AnyAsync(u => u.RepId == repId, ct))
        {
            errors.Add("repId", $"rep '{repId}' already has a user");
        }

        if (errors.Any)
        {
            return errors;
        }

        (user.Role, user.RepId, user.TeamIds) = (role, repId, [.. teamIds.Distinct()]);
        if (change.Password is { } password)
        {
            var token = await users.GeneratePasswordResetTokenAsync(user);
            if (await users.ResetPasswordAsync(user, token, password) is { Succeeded: false } reset)
            {
                return IdentityErrors(reset);
            }
        }

        if (change.Locked is { } locked)
        {
            user.LockoutEnd = locked ? DateTimeOffset.MaxValue : null;
            user.AccessFailedCount = 0;
        }

        user.SecurityStamp = Guid.NewGuid().ToString("N"); // signed-in sessions re-read who they are
        var updated = await users.UpdateAsync(user);
        return updated.Succeeded ? errors : IdentityErrors(updated);
    }

    /// <summary>Identity's refusal (a weak password, a taken email) naming the field.</summary>
    public static FieldErrors IdentityErrors(IdentityResult result)
    {
        var errors = new FieldErrors();
        foreach (var e in result.Errors)
        {
            errors.Add(e.Code.StartsWith("Password", StringComparison.Ordinal) ? "password" : e.Code.Contains("Email", StringComparison.Ordinal) || e.Code.Contains("UserName", StringComparison.Ordinal) ? "email" : "user", e.Description);
        }

        return errors;
    }
}
