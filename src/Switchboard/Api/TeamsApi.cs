using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Storage;

namespace Switchboard.Api;

public sealed record TeamInput(string? Id, string? Name, string? ManagerRepId);

public sealed record TeamView(string Id, string Name, string? ManagerRepId, IReadOnlyList<string> MemberRepIds, DateTimeOffset CreatedAt);

/// <summary><c>/api/teams</c>.</summary>
public static class TeamsApi
{
    public static RouteGroupBuilder MapTeamsApi(this RouteGroupBuilder api)
    {
        var teams = api.MapGroup("/teams").WithTags("Teams");
        teams.MapPost("/", CreateTeam).RequireAuthorization(Policies.Admin).Accepts<TeamInput>("application/json");
        teams.MapGet("/", ListTeams).RequireAuthorization(Policies.AdminOrManager);
        teams.MapGet("/{id}", GetTeam).RequireAuthorization(Policies.AdminOrManager);
        teams.MapPatch("/{id}", PatchTeam).RequireAuthorization(Policies.Admin).Accepts<TeamInput>("application/json");
        teams.MapDelete("/{id}", DeleteTeam).RequireAuthorization(Policies.Admin);
        return api;
    }

    public static async Task<Results<Created<TeamView>, ValidationProblem, ProblemHttpResult>> CreateTeam(
        HttpRequest request, SwitchboardDb db, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await Json.ReadAsync<TeamInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        var errors = await ValidateAsync(input!, db, ct);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        if (await db.Teams.AnyAsync(t => t.Id == input!.Id, ct))
        {
            return Problems.Conflict($"team '{input!.Id}' already exists");
        }

        var row = new TeamRow { Id = input!.Id!, Name = input.Name!.Trim(), ManagerRepId = input.ManagerRepId, CreatedAt = time.GetUtcNow() };
        db.Teams.Add(row);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/teams/{row.Id}", new TeamView(row.Id, row.Name, row.ManagerRepId, [], row.CreatedAt));
    }

    public static async Task<Ok<List<TeamView>>> ListTeams(HttpContext http, SwitchboardDb db, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Id).ToListAsync(ct);
        var reps = await db.Reps.AsNoTracking().Where(r => r.Active).Select(r => new { r.Id, r.TeamIds }).ToListAsync(ct);
        return TypedResults.Ok(teams
            .Where(t => caller.IsAdmin || caller.TeamIds.Contains(t.Id))
            .Select(t => new TeamView(t.Id, t.Name, t.ManagerRepId, [.. reps.Where(r => r.TeamIds.Contains(t.Id)).Select(r => r.Id)], t.CreatedAt))
            .ToList());
    }

    public static async Task<Results<Ok<TeamView>, ProblemHttpResult>> GetTeam(string id, HttpContext http, SwitchboardDb db, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var team = await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
        if (team is null || !(caller.IsAdmin || caller.TeamIds.Contains(id)))
        {
            return Problems.NotFound($"no team '{id}'");
        }

        var members = await db.Reps.AsNoTracking().Where(r => r.Active && r.TeamIds.Contains(id)).OrderBy(r => r.Id).Select(r => r.Id).ToListAsync(ct);
        return TypedResults.Ok(new TeamView(team.Id, team.Name, team.ManagerRepId, members, team.CreatedAt));
    }

    public static async Task<Results<Ok<TeamView>, ValidationProblem, ProblemHttpResult>> PatchTeam(
        string id, HttpRequest request, SwitchboardDb db, CancellationToken ct)
    {
        var team = await db.Teams.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (team is null)
        {
            return Problems.NotFound($"no team '{id}'");
        }

        var (patch, problem) = await Json.ReadAsync<JsonObject>(request);
        if (problem is not null)
        {
            return problem;
        }

        var input = new TeamInput(
            id,
            patch!.ContainsKey("name") ? patch["name"]?.GetValue<string>() : team.Name,
            patch.ContainsKey("managerRepId") ? patch["managerRepId"]?.GetValue<string>() : team.ManagerRepId);
        if (patch.ContainsKey("id") && patch["id"]?.GetValue<string>() != id)
        {
            return FieldErrors.One("id", "a team's id cannot change");
        }

        var errors = await ValidateAsync(input, db, ct);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        team.Name = input.Name!.Trim();
        team.ManagerRepId = input.ManagerRepId;
        await db.SaveChangesAsync(ct);
        return await GetTeamView(team, db, ct);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteTeam(string id, SwitchboardDb db, CancellationToken ct)
    {
        var team = await db.Teams.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (team is null)
        {
            return Problems.NotFound($"no team '{id}'");
        }

        var members = await db.Reps.Where(r => r.TeamIds.Contains(id)).Select(r => r.Id).ToListAsync(ct);
        if (members.Count > 0)
        {
            return Problems.Conflict($"team '{id}' still has members ({string.Join(", ", members)}); move them first");
        }

        db.Teams.Remove(team);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<TeamView>> GetTeamView(TeamRow team, SwitchboardDb db, CancellationToken ct)
    {
        var members = await db.Reps.AsNoTracking().Where(r => r.Active && r.TeamIds.Contains(team.Id)).OrderBy(r => r.Id).Select(r => r.Id).ToListAsync(ct);
        return TypedResults.Ok(new TeamView(team.Id, team.Name, team.ManagerRepId, members, team.CreatedAt));
    }

    private static async Task<FieldErrors> ValidateAsync(TeamInput input, SwitchboardDb db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (input.Id is null || !RepInput.IdShape().IsMatch(input.Id))
        {
            errors.Add("id", "required: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }

        if (string.IsNullOrWhiteSpace(input.Name))
        {
            errors.Add("name", "required");
        }

        if (input.ManagerRepId is { } manager && !await db.Reps.AnyAsync(r => r.Id == manager, ct))
        {
            errors.Add("managerRepId", $"rep '{manager}' does not exist");
        }

        return errors;
    }
}
