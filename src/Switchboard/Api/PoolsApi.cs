using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Pools;
using Switchboard.Distribution;
using Switchboard.Leads.Conditions;
using Switchboard.Routing.Flows;
using Switchboard.Storage;
using Switchboard.Views;
using Switchboard.Routing.Lifecycle;

namespace Switchboard.Api;

public sealed record ClaimLimitsInput(int? MaxOpen = null, int? PerDay = null);

/// <summary>An unclaimed lead older than <c>after</c> escalates: <c>notify</c>, <c>widen</c> (more members see it) or <c>move</c> (to a pool or rep).</summary>
public sealed record EscalationInput(string? After = null, string? Action = null, List<string>? WidenTeamIds = null, List<string>? WidenRepIds = null, TargetInput? To = null);

public sealed record TargetInput(string? Pool = null, string? Rep = null);

/// <summary>A pool as posted or merged by PATCH.</summary>
public sealed record PoolInput(
    string? Id,
    string? Name,
    string? Mode = null,
    List<string>? MemberTeamIds = null,
    List<string>? MemberRepIds = null,
    List<string>? VisibleFields = null,
    string? Condition = null,
    ClaimLimitsInput? ClaimLimits = null,
    EscalationInput? Escalation = null)
{
    public static PoolInput From(PoolRow p) => new(
        p.Id, p.Name, p.Mode, [.. p.MemberTeamIds], [.. p.MemberRepIds], [.. p.VisibleFields], p.Condition,
        p.ClaimMaxOpen is null && p.ClaimPerDay is null ? null : new ClaimLimitsInput(p.ClaimMaxOpen, p.ClaimPerDay),
        p.EscalateAfter is null ? null : new EscalationInput(p.EscalateAfter, p.EscalateAction, [.. p.WidenTeamIds], [.. p.WidenRepIds], Target(p.EscalateTo)));

    private static TargetInput? Target(string? stored) => stored?.Split(':', 2) switch
    {
        ["pool", var id] => new TargetInput(Pool: id),
        ["rep", var id] => new TargetInput(Rep: id),
        _ => null,
    };

    public void ApplyTo(PoolRow row, DateTimeOffset now)
    {
        row.Name = Name!.Trim();
        row.Mode = Mode ?? PoolModes.CherryPick;
        row.MemberTeamIds = [.. (MemberTeamIds ?? []).Distinct()];
        row.MemberRepIds = [.. (MemberRepIds ?? []).Distinct()];
        row.VisibleFields = VisibleFields is null ? (row.Mode == PoolModes.Blind ? [] : PoolFields.CherryPickDefault) : [.. VisibleFields];
        row.Condition = string.IsNullOrWhiteSpace(Condition) ? null : Condition.Trim();
        row.ClaimMaxOpen = ClaimLimits?.MaxOpen;
        row.ClaimPerDay = ClaimLimits?.PerDay;
        row.EscalateAfter = Escalation?.After;
        row.EscalateAction = Escalation?.After is null ? null : Escalation.Action ?? "notify";
        row.WidenTeamIds = [.. Escalation?.WidenTeamIds ?? []];
        row.WidenRepIds = [.. Escalation?.WidenRepIds ?? []];
        row.EscalateTo = Escalation?.To switch
        {
            { Pool: { } pool } => $"pool:{pool}",
            { Rep: { } rep } => $"rep:{rep}",
            _ => null,
        };
        row.UpdatedAt = now;
    }

    public async Task<FieldErrors> ValidateAsync(SwitchboardDb db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (Id is null || !RepInput.IdShape().IsMatch(Id))
        {
            errors.Add("id", "required: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }

        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add("name", "required");
        }

        if (Mode is not (null or PoolModes.CherryPick or PoolModes.Blind))
        {
            errors.Add("mode", $"'{Mode}' is not a mode: cherry-pick or blind");
        }

        foreach (var (field, i) in (VisibleFields ?? []).Select((f, i) => (f, i)))
        {
            if (!PoolFields.Known.ContainsKey(field))
            {
                errors.Add($"visibleFields[{i}]", $"unknown field '{field}'; known: {string.Join(", ", PoolFields.Known.Keys)}");
            }
            else if (Mode == PoolModes.Blind && !PoolFields.BlindSafe.Contains(field))
            {
                errors.Add($"visibleFields[{i}]", $"a blind pool shows nothing that identifies or qualifies a lead before the claim; '{field}' does (allowed: {string.Join(", ", PoolFields.BlindSafe)})");
            }
        }

        if (Condition is { Length: > 0 } condition && Leads.Conditions.Condition.Compile(condition).Error is { } error)
        {
            errors.Add("condition", error.ToString());
        }

        if (ClaimLimits is { MaxOpen: < 1 } or { PerDay: < 1 })
        {
            errors.Add("claimLimits", "limits are at least 1 (leave one out for no limit)");
        }

        await CheckTeamsAndRepsAsync(db, MemberTeamIds, MemberRepIds, "member", errors, ct);
        if (Escalation is { } escalation)
        {
            if (escalation.After is null || !Durations.TryParse(escalation.After, out _))
            {
                errors.Add("escalation.after", "required: a duration such as 30m, 2h or 1d");
            }

            switch (escalation.Action ?? "notify")
            {
                case "notify":
                    break;
                case "widen":
                    if ((escalation.WidenTeamIds ?? []).Count + (escalation.WidenRepIds ?? []).Count == 0)
                    {
                        errors.Add("escalation.widenTeamIds", "widen needs teams or reps to widen to");
                    }

                    await CheckTeamsAndRepsAsync(db, escalation.WidenTeamIds, escalation.WidenRepIds, "escalation.widen", errors, ct);
                    break;
                case "move":
                    if (escalation.To is not ({ Pool: not null, Rep: null } or { Pool: null, Rep: not null }))
                    {
                        errors.Add("escalation.to", "move needs exactly one of pool or rep");
                    }
                    else if (escalation.To.Pool == Id)
                    {
                        errors.Add("escalation.to.pool", "a pool cannot escalate to itself");
                    }
                    else if (escalation.To.Pool is { } pool && !await db.Pools.AnyAsync(p => p.Id == pool, ct))
                    {
                        errors.Add("escalation.to.pool", $"pool '{pool}' does not exist");
                    }
                    else if (escalation.To.Rep is { } rep && !await db.Reps.AnyAsync(r => r.Id == rep, ct))
                    {
                        errors.Add("escalation.to.rep", $"rep '{rep}' does not exist");
                    }

                    break;
                default:
                    errors.Add("escalation.action", $"'{escalation.Action}' is not an action: notify, widen or move");
                    break;
            }
        }

        return errors;
    }

    private static async Task CheckTeamsAndRepsAsync(SwitchboardDb db, List<string>? teamIds, List<string>? repIds, string prefix, FieldErrors errors, CancellationToken ct)
    {
        string[] teams = [.. teamIds ?? []];
        string[] reps = [.. repIds ?? []];
        var knownTeams = await db.Teams.Where(t => teams.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct);
        var knownReps = await db.Reps.Where(r => reps.Contains(r.Id)).Select(r => r.Id).ToListAsync(ct);
        foreach (var missing in teams.Except(knownTeams))
        {
            errors.Add($"{prefix}TeamIds", $"team '{missing}' does not exist");
        }

        foreach (var missing in reps.Except(knownReps))
        {
            errors.Add($"{prefix}RepIds", $"rep '{missing}' does not exist");
        }
    }
}

public sealed record PoolView(
    string Id,
    string Name,
    string Mode,
    IReadOnlyList<string> MemberTeamIds,
    IReadOnlyList<string> MemberRepIds,
    IReadOnlyList<string> VisibleFields,
    string? Condition,
    ClaimLimitsInput? ClaimLimits,
    EscalationInput? Escalation,
    int Waiting,
    DateTimeOffset CreatedAt)
{
    public static PoolView From(PoolRow p, int waiting)
    {
        var input = PoolInput.From(p);
        return new(p.Id, p.Name, p.Mode, p.MemberTeamIds, p.MemberRepIds, p.VisibleFields, p.Condition, input.ClaimLimits, input.Escalation, waiting, p.CreatedAt);
    }
}

/// <summary>A lead waiting in a pool, as members see it before claiming: its id, its age, the pool's visible fields.</summary>
public sealed record PooledLeadView(string LeadId, long AgeSeconds, Dictionary<string, JsonElement?> Fields);

public sealed record ClaimInput(string? LeadId = null);

/// <summary>A won claim: the lead, whole, now the caller's.</summary>
public sealed record ClaimResult(string LeadId, LeadView Lead);

/// <summary><c>/api/pools</c>: pools, what members see in them, and claims.</summary>
public static class PoolsApi
{
    public static RouteGroupBuilder MapPoolsApi(this RouteGroupBuilder api)
    {
        var pools = api.MapGroup("/pools").WithTags("Pools");
        pools.MapPost("/", CreatePool).RequireAuthorization(Policies.Admin).Accepts<PoolInput>("application/json");
        pools.MapGet("/", ListPools);
        pools.MapGet("/{id}", GetPool);
        pools.MapPatch("/{id}", PatchPool).RequireAuthorization(Policies.Admin).Accepts<PoolInput>("application/json");
        pools.MapDelete("/{id}", DeletePool).RequireAuthorization(Policies.Admin);
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

        var errors = await input!.ValidateAsync(db, ct);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        if (await db.Pools.AnyAsync(p => p.Id == input.Id, ct))
        {
            return Problems.Conflict($"pool '{input.Id}' already exists");
        }

        var now = time.GetUtcNow();
        var row = new PoolRow { Id = input.Id!, Name = input.Name!, Mode = PoolModes.CherryPick, CreatedAt = now };
        input.ApplyTo(row, now);
        db.Pools.Add(row);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/pools/{row.Id}", PoolView.From(row, await WaitingAsync(db, row.Id, ct)));
    }

    /// <summary>Admins see every pool, managers their teams' pools, reps the pools they are members of.</summary>
    public static async Task<Ok<List<PoolView>>> ListPools(HttpContext http, SwitchboardDb db, CancellationToken ct)
    {
        var access = await PoolAccess.ForAsync(db, Caller.From(http.User), ct);
        var pools = await db.Pools.AsNoTracking().OrderBy(p => p.Id).ToListAsync(ct);
        var waiting = await db.Leads.Where(l => l.Status == LeadStatus.Pooled && l.PoolId != null).GroupBy(l => l.PoolId!)
            .Select(g => new { Pool = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Pool, g => g.Count, ct);
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

        var errors = await input!.ValidateAsync(db, ct);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        input.ApplyTo(pool, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(PoolView.From(pool, await WaitingAsync(db, id, ct)));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeletePool(string id, SwitchboardDb db, CancellationToken ct)
    {
        var pool = await db.Pools.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (pool is null)
        {
            return Problems.NotFound($"no pool '{id}'");
        }

        var waiting = await WaitingAsync(db, id, ct);
        if (waiting > 0)
        {
            return Problems.Conflict($"pool '{id}' still holds {waiting} leads; claim or move them first");
        }

        if (await References.UsedByAsync(db, Reference.Pool, id, ct) is { } usedBy)
        {
            return Problems.Conflict(usedBy);
        }

        db.Pools.Remove(pool);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
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

        if (page is < 1 || pageSize is < 1 or > LeadsApi.MaxPageSize)
        {
            return Problems.Field(page is < 1 ? "page" : "pageSize", page is < 1 ? "starts at 1" : $"between 1 and {LeadsApi.MaxPageSize}");
        }

        var (p, size) = (page ?? 1, pageSize ?? 50);
        var waiting = access.Claimable(db, pool);
        var total = await waiting.CountAsync(ct);
        var rows = await waiting.OrderBy(l => l.PooledAt).ThenBy(l => l.Id).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        var now = time.GetUtcNow();
        if (caller.RepId is { } repId)
        {
            await PoolSightings.RecordAsync(db, pool, repId, [.. rows.Select(l => l.Id)], now, ct);
        }

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

        var outcome = await claims.ClaimAsync(db, pool, access, repId, input.LeadId, ct);
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
