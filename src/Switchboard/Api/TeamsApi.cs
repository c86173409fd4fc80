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

/// <summary>
/// A team as posted or merged by PATCH. <c>caps</c> limit what the members of the team receive together per
/// hour/day/week/month (each member's own day), checked by rules that target the team; <c>holidays</c>
/// (yyyy-MM-dd, in each member's time zone) are days off for every member.
/// </summary>
public sealed record TeamInput(
    string? Id,
    [property: Limit(Limits.Name)] string? Name,
    string? ManagerRepId = null,
    CapsInput? Caps = null,
    [property: Limit(Limits.ShortList)] List<string>? Holidays = null,
    SlaDocument? Sla = null)
{
    public static TeamInput From(TeamRow t) => new(
        t.Id, t.Name, t.ManagerRepId, new CapsInput(t.CapPerHour, t.CapPerDay, t.CapPerWeek, t.CapPerMonth), [.. t.Holidays],
        t.SlaJson is null ? null : JsonSerializer.Deserialize<SlaDocument>(t.SlaJson, Json.Options));

    public void ApplyTo(TeamRow row)
    {
        row.Name = Name!.Trim();
        row.ManagerRepId = ManagerRepId;
        row.CapPerHour = Caps?.PerHour;
        row.CapPerDay = Caps?.PerDay;
        row.CapPerWeek = Caps?.PerWeek;
        row.CapPerMonth = Caps?.PerMonth;
        row.Holidays = [.. (Holidays ?? []).Distinct().Order(StringComparer.Ordinal)];
        row.SlaJson = Sla is null ? null : JsonSerializer.Serialize(Sla, Json.Options);
    }
}

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

        var errors = await ValidateAsync(input!, db, ct);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        if (await db.Teams.AnyAsync(t => t.Id == input!.Id, ct))
        {
            return Problems.Conflict($"team '{input!.Id}' already exists");
        }

        var row = new TeamRow { Id = input!.Id!, Name = input.Name!.Trim(), CreatedAt = time.GetUtcNow() };
        input.ApplyTo(row);
        db.Teams.Add(row);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/teams/{row.Id}", TeamView.From(row, []));
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

        var errors = await ValidateAsync(input!, db, ct);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        input!.ApplyTo(team);
        retrier.Poke();
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

        if (await References.UsedByAsync(db, Reference.Team, id, ct) is { } usedBy)
        {
            return Problems.Conflict(usedBy);
        }

        db.Teams.Remove(team);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<TeamView>> GetTeamView(TeamRow team, SwitchboardDb db, CancellationToken ct)
    {
        var members = await db.Reps.AsNoTracking().Where(r => r.Active && r.TeamIds.Contains(team.Id)).OrderBy(r => r.Id).Select(r => r.Id).ToListAsync(ct);
        return TypedResults.Ok(TeamView.From(team, members));
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

        input.Caps?.ValidatePeriods(errors);
        if (input.Caps?.MaxOpen is not null)
        {
            errors.Add("caps.maxOpen", "max open leads is a rep cap; teams take perHour, perDay, perWeek, perMonth");
        }

        Holidays.ValidateDates(input.Holidays, "holidays", errors);
        if (input.Sla is { } sla)
        {
            foreach (var (field, message) in SlaPolicy.Compile(sla).Errors)
            {
                errors.Add($"sla.{field}", message);
            }

            errors.AddAll(await References.MissingAsync(db, References.InSla(sla, "sla", "the team's SLA"), ct));
        }

        return errors;
    }
}
