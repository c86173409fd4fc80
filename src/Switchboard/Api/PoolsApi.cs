using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Pools;
using Switchboard.Distribution;
using Switchboard.Storage;
using Switchboard.Views;
using Switchboard.Routing.Lifecycle;

namespace Switchboard.Api;

/// <summary><c>/api/pools</c>: pools, what members see in them, and claims.</summary>
public static class PoolsApi
{
    public static RouteGroupBuilder MapPoolsApi(this RouteGroupBuilder api)
    {
        var pools = api.MapGroup("/pools").WithTags("Pools");
        pools.MapPost("/", CreatePool).Accepts<PoolInput>("application/json");
        pools.MapGet("/", ListPools);
        pools.MapGet("/{id}", GetPool);
        pools.MapPatch("/{id}", PatchPool).Accepts<PoolInput>("application/json");
        pools.MapDelete("/{id}", DeletePool);
        pools.MapGet("/{id}/leads", ListPoolLeads);
        pools.MapPost("/{id}/claims", Claim).Accepts<ClaimInput>("application/json");
        return api;
    }

    public static async Task<Results<Created<PoolView>, ValidationProblem, ProblemHttpResult>> CreatePool(
        HttpRequest request, SwitchboardDb db, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<PoolInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        var (row, errors, conflict) = await input!.SaveAsync(db, null, time.GetUtcNow(), ct);
        if (errors.Any || conflict is not null)
        {
            return errors.Any ? errors.ToProblem() : Problems.Conflict(conflict!);
        }

        return TypedResults.Created($"/api/pools/{row!.Id}", PoolView.From(row, await WaitingAsync(db, row.Id, ct)));
    }

    /// <summary>Admins see every pool, managers their teams' pools, reps the pools they are members of.</summary>
    public static async Task<Ok<List<PoolView>>> ListPools(HttpContext http, SwitchboardDb db, CancellationToken ct)
    {
        var access = await PoolAccess.ForAsync(db, Caller.From(http.User), ct);
        var pools = await db.Pools.AsNoTracking().OrderBy(p => p.Id).ToListAsync(ct);
        var waiting = await PoolAccess.WaitingByPoolAsync(db, ct);
        return TypedResults.Ok(pools.Where(access.Sees).Select(p => PoolView.From(p, waiting.GetValueOrDefault(p.Id))).ToList());
    }

    public static async Task<Results<Ok<PoolView>, ProblemHttpResult>> GetPool(string id, HttpContext http, SwitchboardDb db, CancellationToken ct)
    {
        var access = await PoolAccess.ForAsync(db, Caller.From(http.User), ct);
        var pool = await db.Pools.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        return pool is null || !access.Sees(pool) ? Problems.NotFound($"no pool '{id}'") : TypedResults.Ok(PoolView.From(pool, await WaitingAsync(db, id, ct)));
    }

    public static async Task<Results<Ok<PoolView>, ValidationProblem, ProblemHttpResult>> PatchPool(
        string id, HttpRequest request, SwitchboardDb db, TimeProvider time, CancellationToken ct)
    {
        var pool = await db.Pools.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (pool is null)
        {
            return Problems.NotFound($"no pool '{id}'");
        }

        var (patch, problem) = await JsonBody.ReadAsync<JsonObject>(request);
        if (problem is not null)
        {
            return problem;
        }

        var (input, invalid) = JsonBody.MergePatch(PoolInput.From(pool), patch!, id, "a pool");
        if (invalid is not null)
        {
            return invalid;
        }

        var (_, errors, _) = await input!.SaveAsync(db, pool, time.GetUtcNow(), ct);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        return TypedResults.Ok(PoolView.From(pool, await WaitingAsync(db, id, ct)));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeletePool(string id, SwitchboardDb db, CancellationToken ct)
    {
        var pool = await db.Pools.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (pool is null)
        {
            return Problems.NotFound($"no pool '{id}'");
        }

        return await PoolInput.RemoveAsync(db, pool, ct) is { } conflict ? Problems.Conflict(conflict) : TypedResults.NoContent();
    }

    /// <summary>
    /// The pool's waiting leads, oldest first, as its members may see them: id, age and the visible fields.
    /// Nothing else is read into the answer, sorted on or counted, so a blind pool leaks nothing.
    /// </summary>
    public static async Task<Results<Ok<Paged<PooledLeadView>>, ValidationProblem, ProblemHttpResult>> ListPoolLeads(
        string id, HttpContext http, SwitchboardDb db, TimeProvider time, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var access = await PoolAccess.ForAsync(db, caller, ct);
        var pool = await db.Pools.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (pool is null || !access.Sees(pool))
        {
            return Problems.NotFound($"no pool '{id}'");
        }

        var paging = new FieldErrors();
        Limits.CheckPage(paging, page, pageSize);
        if (paging.Any)
        {
            return paging.ToProblem();
        }

        var (p, size) = (page ?? 1, pageSize ?? 50);
        var now = time.GetUtcNow();
        var (rows, total) = await access.PageAsync(db, pool, p, size, now, ct);
        return TypedResults.Ok(new Paged<PooledLeadView>(
            [.. rows.Select(l => new PooledLeadView(l.Id, (long)(now - (l.PooledAt ?? l.CreatedAt)).TotalSeconds, PoolFields.Project(l, pool.VisibleFields)))],
            p, size, total));
    }

    /// <summary>
    /// A rep claims a lead (or, without <c>leadId</c>, the oldest one they may): exactly one claimer wins
    /// each lead, the others get 409. Members only (others 404); claim limits give 422.
    /// </summary>
    public static async Task<Results<Ok<ClaimResult>, ValidationProblem, ProblemHttpResult>> Claim(
        string id, HttpRequest request, HttpContext http, SwitchboardDb db, PoolClaims claims, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var pool = await db.Pools.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        var access = await PoolAccess.ForAsync(db, caller, ct);
        if (pool is null || !access.Sees(pool))
        {
            return Problems.NotFound($"no pool '{id}'");
        }

        if (caller.RepId is not { } repId || !(access.IsMember(pool) || access.IsWidenedTo(pool)))
        {
            return TypedResults.Problem("leads are claimed with a member rep's key", statusCode: 403, title: "Forbidden");
        }

        ClaimInput input = new();
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var (read, problem) = await JsonBody.ReadAsync<ClaimInput>(request);
            if (problem is not null)
            {
                return problem;
            }

            input = read ?? input;
        }

        var outcome = await claims.ClaimAsync(new ClaimRequest(pool, access, repId, input.LeadId), ct);
        return outcome switch
        {
            { Lead: { } lead } => TypedResults.Ok(new ClaimResult(lead.Id, LeadView.From(lead, null, null))),
            { Limit: { } limit } => Problems.Unprocessable(limit),
            { Taken: true } => Problems.Conflict(input.LeadId is null ? $"no lead left to claim in pool '{id}'" : $"lead '{input.LeadId}' was claimed by someone else"),
            _ => Problems.NotFound(input.LeadId is null ? $"no lead to claim in pool '{id}'" : $"no lead '{input.LeadId}' in pool '{id}'"),
        };
    }

    private static Task<int> WaitingAsync(SwitchboardDb db, string poolId, CancellationToken ct) =>
        db.Leads.CountAsync(l => l.PoolId == poolId && l.Status == LeadStatus.Pooled, ct);
}
