using Microsoft.EntityFrameworkCore;
using Switchboard.Distribution;
using Switchboard.Routing.Flows;
using Switchboard.Storage;

namespace Switchboard.Pools;

public sealed record ClaimLimitsInput(int? MaxOpen = null, int? PerDay = null);

/// <summary>An unclaimed lead older than <c>after</c> escalates: <c>notify</c>, <c>widen</c> (more members see it) or <c>move</c> (to a pool or rep).</summary>
public sealed record EscalationInput(string? After = null, string? Action = null, List<string>? WidenTeamIds = null, List<string>? WidenRepIds = null, TargetInput? To = null);

public sealed record TargetInput(string? Pool = null, string? Rep = null);

/// <summary>A pool as posted or merged by PATCH.</summary>
public sealed record PoolInput(
    string? Id,
    [property: Limit(Limits.Name)] string? Name,
    string? Mode = null,
    [property: Limit(Limits.LongList)] List<string>? MemberTeamIds = null,
    [property: Limit(Limits.LongList)] List<string>? MemberRepIds = null,
    [property: Limit(Limits.ShortList)] List<string>? VisibleFields = null,
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

    /// <summary>Checks and stores a new pool, or the changes to <paramref name="existing"/> (tracked): the pool, or the fields at fault, or a conflict.</summary>
    public async Task<(PoolRow? Row, FieldErrors Errors, string? Conflict)> SaveAsync(SwitchboardDb db, PoolRow? existing, DateTimeOffset now, CancellationToken ct)
    {
        var errors = await ValidateAsync(db, ct);
        if (errors.Any)
        {
            return (null, errors, null);
        }

        if (existing is null && await db.Pools.AnyAsync(p => p.Id == Id, ct))
        {
            return (null, errors, $"pool '{Id}' already exists");
        }

        var row = existing ?? new PoolRow { Id = Id!, Name = Name!, Mode = PoolModes.CherryPick, CreatedAt = now };
        ApplyTo(row, now);
        if (existing is null)
        {
            db.Pools.Add(row);
        }

        await db.SaveChangesAsync(ct);
        return (row, errors, null);
    }

    /// <summary>Removes an empty pool nothing routes to; else why not.</summary>
    public static async Task<string?> RemoveAsync(SwitchboardDb db, PoolRow pool, CancellationToken ct)
    {
        var waiting = await db.Leads.CountAsync(l => l.PoolId == pool.Id && l.Status == Routing.Lifecycle.LeadStatus.Pooled, ct);
        if (waiting > 0)
        {
            return $"pool '{pool.Id}' still holds {waiting} leads; claim or move them first";
        }

        if (await References.UsedByAsync(db, Reference.Pool, pool.Id, ct) is { } usedBy)
        {
            return usedBy;
        }

        db.Pools.Remove(pool);
        await db.SaveChangesAsync(ct);
        return null;
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
