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

        var added = await UserAccounts.AddAsync(db, users, emails, new NewUser(input!.Email, input.Role, input.RepId, input.TeamIds ?? [], input.Password), time.GetUtcNow(), ct);
        if (added.Conflict is { } conflict)
        {
            return Problems.Conflict(conflict);
        }

        return added.User is { } user
            ? TypedResults.Created($"/api/users/{user.Id}", new UserCreated(UserView.From(user, time.GetUtcNow()), added.InviteUrl, added.InviteMailed))
            : added.Errors.ToProblem();
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

        var errors = await UserAccounts.ChangeAsync(db, users, user, new UserChange(input!.Role, input.RepId, input.TeamIds, input.Password, input.Locked), ct);
        return errors.Any ? errors.ToProblem() : TypedResults.Ok(UserView.From(user, time.GetUtcNow()));
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
}
