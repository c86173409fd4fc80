using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Notify;
using Switchboard.Storage;

namespace Switchboard.Api;

public sealed record UserInput(
    [property: Limit(Limits.Name)] string? Email, string? Role, string? RepId = null,
    [property: Limit(Limits.ShortList)] List<string>? TeamIds = null, [property: Limit(Limits.Reason)] string? Password = null);

public sealed record UserPatch(
    string? Role = null, string? RepId = null, [property: Limit(Limits.ShortList)] List<string>? TeamIds = null,
    [property: Limit(Limits.Reason)] string? Password = null, bool? Locked = null);

public sealed record UserView(string Id, string Email, string Role, string? RepId, IReadOnlyList<string> TeamIds, bool HasPassword, bool Locked, DateTimeOffset CreatedAt)
{
    public static UserView From(UserRow u, DateTimeOffset now) =>
        new(u.Id, u.Email!, u.Role, u.RepId, u.TeamIds, u.PasswordHash is not null, u.LockoutEnd > now, u.CreatedAt);
}

/// <summary>A new user; without a password, the link that lets them choose one (mailed to them when SMTP is set).</summary>
public sealed record UserCreated(UserView User, string? InviteUrl, bool InviteMailed);

/// <summary>
/// <c>/api/users</c> (admin only): the people who sign in to the app. Each is an admin, a manager of
/// some teams, or a rep bound to one rep record, with the same reach as a key of that role.
/// </summary>
public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users");
        users.MapPost("/", CreateUser).Accepts<UserInput>("application/json");
        users.MapGet("/", ListUsers);
        users.MapGet("/{id}", GetUser);
        users.MapPatch("/{id}", PatchUser).Accepts<UserPatch>("application/json");
        users.MapDelete("/{id}", DeleteUser);
        return api;
    }

    public static async Task<Results<Created<UserCreated>, ValidationProblem, ProblemHttpResult>> CreateUser(
        HttpRequest request, SwitchboardDb db, UserManager<UserRow> users, AccountEmails emails, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<UserInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        var email = input!.Email?.Trim();
        if (email is null || !new EmailAddressAttribute().IsValid(email))
        {
            errors.Add("email", "required: an email address like name@example.com");
        }

        var teamIds = input.TeamIds ?? [];
        await Grants.CheckAsync(db, errors, input.Role, input.RepId, teamIds, Grants.PersonRoles, "user", ct);
        if (input.RepId is { } repId && await db.Users.AnyAsync(u => u.RepId == repId, ct))
        {
            errors.Add("repId", $"rep '{repId}' already has a user");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        if (await users.FindByEmailAsync(email!) is not null)
        {
            return Problems.Conflict($"a user with email '{email}' already exists");
        }

        var user = new UserRow { UserName = email, Email = email, Role = input.Role!, RepId = input.RepId, TeamIds = [.. teamIds.Distinct()], CreatedAt = time.GetUtcNow() };
        var created = input.Password is { } password ? await users.CreateAsync(user, password) : await users.CreateAsync(user);
        if (!created.Succeeded)
        {
            return IdentityProblem(created);
        }

        var (link, mailed) = input.Password is null ? await emails.InviteAsync(users, user, ct) : (null, false);
        return TypedResults.Created($"/api/users/{user.Id}", new UserCreated(UserView.From(user, time.GetUtcNow()), link, mailed));
    }

    public static async Task<Ok<List<UserView>>> ListUsers(SwitchboardDb db, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var rows = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(u => UserView.From(u, now)).ToList());
    }

    public static async Task<Results<Ok<UserView>, ProblemHttpResult>> GetUser(string id, SwitchboardDb db, TimeProvider time, CancellationToken ct) =>
        await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct) is { } user
            ? TypedResults.Ok(UserView.From(user, time.GetUtcNow()))
            : Problems.NotFound($"no user '{id}'");

    /// <summary>Changes role, rep, teams, password or lock; the person's open sessions pick the change up within a minute.</summary>
    public static async Task<Results<Ok<UserView>, ValidationProblem, ProblemHttpResult>> PatchUser(
        string id, HttpRequest request, SwitchboardDb db, UserManager<UserRow> users, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<UserPatch>(request);
        if (problem is not null)
        {
            return problem;
        }

        if (await users.FindByIdAsync(id) is not { } user)
        {
            return Problems.NotFound($"no user '{id}'");
        }

        var role = input!.Role ?? user.Role;
        var repId = input.RepId ?? (input.Role is null || input.Role == Roles.Rep ? user.RepId : null);
        var teamIds = input.TeamIds ?? (role == Roles.Manager ? [.. user.TeamIds] : []);
        var errors = new FieldErrors();
        await Grants.CheckAsync(db, errors, role, repId, teamIds, Grants.PersonRoles, "user", ct);
        if (repId is not null && repId != user.RepId && await db.Users.AnyAsync(u => u.RepId == repId, ct))
        {
            errors.Add("repId", $"rep '{repId}' already has a user");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        (user.Role, user.RepId, user.TeamIds) = (role, repId, [.. teamIds.Distinct()]);
        if (input.Password is { } password)
        {
            var token = await users.GeneratePasswordResetTokenAsync(user);
            if (await users.ResetPasswordAsync(user, token, password) is { Succeeded: false } reset)
            {
                return IdentityProblem(reset);
            }
        }

        if (input.Locked is { } locked)
        {
            user.LockoutEnd = locked ? DateTimeOffset.MaxValue : null;
            user.AccessFailedCount = 0;
        }

        user.SecurityStamp = Guid.NewGuid().ToString("N"); // signed-in sessions re-read who they are
        var updated = await users.UpdateAsync(user);
        return updated.Succeeded ? TypedResults.Ok(UserView.From(user, time.GetUtcNow())) : IdentityProblem(updated);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteUser(string id, UserManager<UserRow> users, CancellationToken ct)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return Problems.NotFound($"no user '{id}'");
        }

        await users.DeleteAsync(user);
        return TypedResults.NoContent();
    }

    /// <summary>Identity's refusal (a weak password, a taken email) as a 400 naming the field.</summary>
    private static ValidationProblem IdentityProblem(IdentityResult result)
    {
        var errors = new FieldErrors();
        foreach (var e in result.Errors)
        {
            errors.Add(e.Code.StartsWith("Password", StringComparison.Ordinal) ? "password" : e.Code.Contains("Email", StringComparison.Ordinal) || e.Code.Contains("UserName", StringComparison.Ordinal) ? "email" : "user", e.Description);
        }

        return errors.ToProblem();
    }
}
