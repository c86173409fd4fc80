using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Distribution;
using Switchboard.Routing.Model;
using Switchboard.Storage;
using Switchboard.Work;

namespace Switchboard.Api;

/// <summary><c>/api/reps</c>: who receives leads.</summary>
public static class RepsApi
{
    public static RouteGroupBuilder MapRepsApi(this RouteGroupBuilder api)
    {
        var reps = api.MapGroup("/reps").WithTags("Reps");
        reps.MapPost("/", CreateRep).Accepts<RepInput>("application/json");
        reps.MapGet("/", ListReps);
        reps.MapGet("/{id}", GetRep);
        reps.MapPatch("/{id}", PatchRep).Accepts<RepInput>("application/json");
        reps.MapDelete("/{id}", DeactivateRep);
        return api;
    }

    public static async Task<Results<Created<RepView>, ValidationProblem, ProblemHttpResult>> CreateRep(
        HttpRequest request, SwitchboardDb db, TimeProvider time, HeldLeadRetrier retrier, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<RepInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        var (row, errors, conflict) = await input!.SaveAsync(db, null, time.GetUtcNow(), ct);
        if (row is null)
        {
            return conflict is null ? errors.ToProblem() : Problems.Conflict(conflict);
        }

        retrier.Poke();
        return TypedResults.Created($"/api/reps/{row.Id}", RepView.From(row, RepLoad.Zero));
    }

    public static async Task<Ok<List<RepView>>> ListReps(HttpContext http, SwitchboardDb db, string? teamId, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var query = db.Reps.AsNoTracking();
        if (teamId is not null)
        {
            query = query.Where(r => r.TeamIds.Contains(teamId));
        }

        var rows = await query.OrderBy(r => r.Id).ToListAsync(ct);
        if (!caller.IsAdmin)
        {
            rows = [.. rows.Where(r => r.TeamIds.Intersect(caller.TeamIds).Any())];
        }

        return TypedResults.Ok(rows.Select(r => RepView.From(r, null)).ToList());
    }

    public static async Task<Results<Ok<RepView>, ProblemHttpResult>> GetRep(
        string id, SwitchboardDb db, TimeProvider time, CancellationToken ct)
    {
        var row = await db.Reps.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct); // within reach (Auth/AccessPolicy.cs)
        if (row is null)
        {
            return NotFound(id);
        }

        var states = await LeadRouting.LoadRepStatesAsync(db, time.GetUtcNow(), ct);
        var rules = await db.StrategyStates.AsNoTracking().Where(s => s.Key.StartsWith("rule:")).OrderBy(s => s.Key).ToListAsync(ct);
        var fairness = rules.Select(r => (Rule: Switchboard.Routing.Flows.CompiledRule.RuleOf(r.Key), State: LeadRouting.ToState(r)))
            .Where(r => r.State.Balances.ContainsKey(id))
            .Select(r => new RepBalanceView(r.Rule, Math.Round(r.State.Balances[id], 3), r.State.Absent.Contains(id),
                r.State.ExtraTurns.GetValueOrDefault(id), r.State.Waiting.GetValueOrDefault(id)))
            .ToList();
        return TypedResults.Ok(RepView.From(row, states.First(s => s.Id == id).Load, fairness));
    }

    public static async Task<Results<Ok<RepView>, ValidationProblem, ProblemHttpResult>> PatchRep(
        string id, HttpRequest request, HttpContext http, SwitchboardDb db, TimeProvider time, HeldLeadRetrier retrier, SwitchboardOptions options, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var row = await db.Reps.FirstOrDefaultAsync(r => r.Id == id, ct); // within reach (Auth/AccessPolicy.cs)
        if (row is null)
        {
            return NotFound(id);
        }

        var (patch, bad) = await JsonBody.ReadAsync<JsonObject>(request);
        if (bad is not null)
        {
            return bad;
        }

        // A rep may set their own availability, a manager their teams' reps' availability (and caps when
        // the service allows it); routing fields (teams, weight, skills, territories...) are the admin's.
        string[] mayChange = caller.Role switch
        {
            Roles.Rep => ["status", "awayUntil"],
            Roles.Manager => options.ManagersSetCaps ? ["status", "awayUntil", "caps"] : ["status", "awayUntil"],
            _ => [],
        };
        if (mayChange.Length > 0 && patch!.Select(p => p.Key).Except(mayChange).FirstOrDefault() is { } forbidden)
        {
            return TypedResults.Problem(
                $"a {caller.Role} may change only {string.Join(", ", mayChange)} of a rep; '{forbidden}' is the admin's to change",
                statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        var (input, problem) = JsonBody.MergePatch(RepInput.From(row), patch!, id, "a rep");
        if (problem is not null)
        {
            return problem;
        }

        var (_, errors, _) = await input!.SaveAsync(db, row, time.GetUtcNow(), ct);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        retrier.Poke(); // a rep back from away may be just who a held lead waits for
        return TypedResults.Ok(RepView.From(row, null));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeactivateRep(string id, SwitchboardDb db, TimeProvider time, CancellationToken ct)
    {
        var row = await db.Reps.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (row is null)
        {
            return NotFound(id);
        }

        if (await References.UsedByAsync(db, Reference.Rep, id, ct) is { } usedBy)
        {
            return Problems.Conflict(usedBy);
        }

        // Reps are deactivated, not erased: their leads, decisions and timelines keep pointing at them.
        row.Active = false;
        row.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound($"no rep '{id}'");
}
