using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Distribution;
using Switchboard.Routing.Flows;
using Switchboard.Storage;
using Switchboard.Work;

namespace Switchboard.Api;

public sealed record TeamView(
    string Id,
    string Name,
    string? ManagerRepId,
    IReadOnlyList<string> MemberRepIds,
    DateTimeOffset CreatedAt,
    CapsInput Caps,
    IReadOnlyList<string> Holidays,
    SlaDocument? Sla)
{
    public static TeamView From(TeamRow t, IReadOnlyList<string> members) =>
        new(t.Id, t.Name, t.ManagerRepId, members, t.CreatedAt, TeamInput.From(t).Caps!, t.Holidays, TeamInput.From(t).Sla);
}

/// <summary><c>/api/teams</c>.</summary>
public static class TeamsApi
{
    public static RouteGroupBuilder MapTeamsApi(this RouteGroupBuilder api)
    {
        var teams = api.MapGroup("/teams").WithTags("Teams");
        teams.MapPost("/", CreateTeam).Accepts<TeamInput>("application/json");
        teams.MapGet("/", ListTeams);
        teams.MapGet("/{id}", GetTeam);
        teams.MapPatch("/{id}", PatchTeam).Accepts<TeamInput>("application/json");
        teams.MapDelete("/{id}", DeleteTeam);
        return api;
    }

    public static async Task<Results<Created<TeamView>, ValidationProblem, ProblemHttpResult>> CreateTeam(
        HttpRequest request, SwitchboardDb db, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<TeamInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        var (row, errors, conflict) = await input!.SaveAsync(db, null, time.GetUtcNow(), ct);
        return errors.Any ? errors.ToProblem()
            : conflict is not null ? Problems.Conflict(conflict)
            : TypedResults.Created($"/api/teams/{row!.Id}", TeamView.From(row, []));
    }

    public static async Task<Ok<List<TeamView>>> ListTeams(HttpContext http, SwitchboardDb db, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Id).ToListAsync(ct);
        var reps = await db.Reps.AsNoTracking().Where(r => r.Active).Select(r => new { r.Id, r.TeamIds }).ToListAsync(ct);
        return TypedResults.Ok(teams
            .Where(t => caller.IsAdmin || caller.TeamIds.Contains(t.Id))
            .Select(t => TeamView.From(t, [.. reps.Where(r => r.TeamIds.Contains(t.Id)).Select(r => r.Id)]))
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
        return TypedResults.Ok(TeamView.From(team, members));
    }

    public static async Task<Results<Ok<TeamView>, ValidationProblem, ProblemHttpResult>> PatchTeam(
        string id, HttpRequest request, SwitchboardDb db, HeldLeadRetrier retrier, CancellationToken ct)
    {
        var team = await db.Teams.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (team is null)
        {
            return Problems.NotFound($"no team '{id}'");
        }

        var (patch, problem) = await JsonBody.ReadAsync<JsonObject>(request);
        if (problem is not null)
        {
            return problem;
        }

        var (input, invalid) = JsonBody.MergePatch(TeamInput.From(team), patch!, id, "a team");
        if (invalid is not null)
        {
            return invalid;
        }

        var (_, errors, _) = await input!.SaveAsync(db, team, default, ct);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        retrier.Poke();
        return await GetTeamView(team, db, ct);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteTeam(string id, SwitchboardDb db, CancellationToken ct)
    {
        var team = await db.Teams.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (team is null)
        {
            return Problems.NotFound($"no team '{id}'");
        }

        return await TeamInput.RemoveAsync(db, team, ct) is { } conflict ? Problems.Conflict(conflict) : TypedResults.NoContent();
    }

    private static async Task<Ok<TeamView>> GetTeamView(TeamRow team, SwitchboardDb db, CancellationToken ct)
    {
        var members = await db.Reps.AsNoTracking().Where(r => r.Active && r.TeamIds.Contains(team.Id)).OrderBy(r => r.Id).Select(r => r.Id).ToListAsync(ct);
        return TypedResults.Ok(TeamView.From(team, members));
    }
}
