using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Intake;
using Switchboard.Routing.Flows;
using Switchboard.Storage;

namespace Switchboard.Distribution;

/// <summary>A team, rep or pool that a document names: where (a field path) and who names it (for messages).</summary>
public sealed record Reference(string Kind, string Id, string Field, string Who)
{
    public const string Team = "team";
    public const string Rep = "rep";
    public const string Pool = "pool";
}

/// <summary>
/// What flows, intake rules, team SLAs and pool escalations name, so that none can name a team, rep or pool
/// that does not exist (checked when saved) and none of those can be deleted while something names it.
/// A lead sent to a pool nobody created would be invisible to everyone.
/// </summary>
public static class References
{
    public static IEnumerable<Reference> InFlow(FlowDocument flow)
    {
        for (var i = 0; i < flow.Rules.Count; i++)
        {
            var rule = flow.Rules[i];
            var who = $"rule '{rule?.Name}'";
            foreach (var r in InTarget(rule?.Assign?.To, $"rules[{i}].assign.to", who))
            {
                yield return r;
            }

            if (Prefixed(rule?.WhenNoneEligible) is { } policy)
            {
                yield return new Reference(policy.Kind, policy.Id, $"rules[{i}].whenNoneEligible", who);
            }

            foreach (var r in InSla(rule?.Sla, $"rules[{i}].sla", who))
            {
                yield return r;
            }
        }

        foreach (var r in InTarget(flow.Fallback, "fallback", "the fallback"))
        {
            yield return r;
        }
    }

    public static IEnumerable<Reference> InSla(SlaDocument? sla, string at, string who)
    {
        if (Prefixed(sla?.OnBreach) is { Kind: Reference.Pool } onBreach)
        {
            yield return onBreach with { Field = $"{at}.onBreach", Who = who };
        }

        if (sla?.RecycleTo?.Trim() is { Length: > 0 } recycle)
        {
            yield return new Reference(Reference.Pool, recycle.StartsWith("pool:", StringComparison.Ordinal) ? recycle[5..].Trim() : recycle, $"{at}.recycleTo", who);
        }
    }

    /// <summary>Only a pool that leads are actually sent to: without an MQL threshold nobody goes to nurture.</summary>
    public static IEnumerable<Reference> InIntakeRules(IntakeRulesDocument rules)
    {
        if (rules.Scoring is { Mql: not null } scoring)
        {
            yield return new Reference(Reference.Pool, scoring.NurturePool?.Trim() is { Length: > 0 } p ? p : "nurture", "scoring.nurturePool", "the MQL threshold");
        }
    }

    private static IEnumerable<Reference> InTarget(TargetDocument? to, string at, string who)
    {
        if (to?.Team?.Trim() is { Length: > 0 } team)
        {
            yield return new Reference(Reference.Team, team, $"{at}.team", who);
        }

        if (to?.Rep?.Trim() is { Length: > 0 } rep)
        {
            yield return new Reference(Reference.Rep, rep, $"{at}.rep", who);
        }

        foreach (var r in to?.Reps ?? [])
        {
            if (r?.Trim() is { Length: > 0 } id)
            {
                yield return new Reference(Reference.Rep, id, $"{at}.reps", who);
            }
        }

        if (to?.Pool?.Trim() is { Length: > 0 } pool)
        {
            yield return new Reference(Reference.Pool, pool, $"{at}.pool", who);
        }
    }

    /// <summary><c>pool:ID</c> or <c>rep:ID</c>.</summary>
    private static Reference? Prefixed(string? value) => value?.Trim() switch
    {
        { } v when v.StartsWith("pool:", StringComparison.Ordinal) => new Reference(Reference.Pool, v[5..].Trim(), "", ""),
        { } v when v.StartsWith("rep:", StringComparison.Ordinal) => new Reference(Reference.Rep, v[4..].Trim(), "", ""),
        _ => null,
    };

    /// <summary>An error (field, message) for each reference to a team, rep or pool that does not exist.</summary>
    public static async Task<List<(string Field, string Message)>> MissingAsync(SwitchboardDb db, IEnumerable<Reference> references, CancellationToken ct)
    {
        var all = references.ToList();
        var missing = new List<(string, string)>();
        if (all.Count == 0)
        {
            return missing;
        }

        var teams = await IdsAsync(db.Teams.Select(t => t.Id), all, Reference.Team, ct);
        var reps = await IdsAsync(db.Reps.Select(r => r.Id), all, Reference.Rep, ct);
        var pools = await IdsAsync(db.Pools.Select(p => p.Id), all, Reference.Pool, ct);
        foreach (var r in all)
        {
            var known = r.Kind switch { Reference.Team => teams, Reference.Rep => reps, _ => pools };
            if (!known.Contains(r.Id))
            {
                missing.Add((r.Field, r.Kind == Reference.Pool
                    ? $"{r.Who}: pool '{r.Id}' does not exist; create it first (POST /api/pools), or leads sent there would be seen by nobody"
                    : $"{r.Who}: {r.Kind} '{r.Id}' does not exist"));
            }
        }

        return missing;
    }

    private static async Task<HashSet<string>> IdsAsync(IQueryable<string> table, List<Reference> all, string kind, CancellationToken ct)
    {
        var wanted = all.Where(r => r.Kind == kind).Select(r => r.Id).Distinct().ToList();
        return wanted.Count == 0 ? [] : (await table.Where(id => wanted.Contains(id)).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// What names this team, rep or pool now — the active flow, the active intake rules, teams' SLAs, pools'
    /// escalations — described for a 409; null when nothing does.
    /// </summary>
    public static async Task<string?> UsedByAsync(SwitchboardDb db, string kind, string id, CancellationToken ct)
    {
        var users = new List<string>();
        void Collect(IEnumerable<Reference> refs, string where)
        {
            var fields = refs.Where(r => r.Kind == kind && r.Id == id).Select(r => r.Field).Distinct().ToList();
            if (fields.Count > 0)
            {
                users.Add($"{where} ({string.Join(", ", fields)})");
            }
        }

        var flow = await db.FlowVersions.AsNoTracking().OrderByDescending(f => f.Version).FirstOrDefaultAsync(ct);
        if (flow is null)
        {
            Collect([new Reference(Reference.Pool, FlowStore.Default.Fallback.PoolId!, "fallback", "")], "the default flow (no flow saved yet)");
        }
        else if (FlowDocuments.Parse(flow.Document, flow.Format).Document is { } document)
        {
            Collect(InFlow(document), $"flow version {flow.Version}");
        }

        var intake = await db.IntakeRules.AsNoTracking().OrderByDescending(r => r.Version).FirstOrDefaultAsync(ct);
        if (intake is not null && FlowDocuments.Parse<IntakeRulesDocument>(intake.Document, intake.Format).Document is { } rules)
        {
            Collect(InIntakeRules(rules), $"intake rules version {intake.Version}");
        }

        foreach (var team in await db.Teams.AsNoTracking().Where(t => t.SlaJson != null).ToListAsync(ct))
        {
            Collect(InSla(JsonSerializer.Deserialize<SlaDocument>(team.SlaJson!, Json.Options), "sla", ""), $"team '{team.Id}'");
        }

        var escalation = kind + ":" + id;
        foreach (var pool in await db.Pools.AsNoTracking().Where(p => p.EscalateTo == escalation).Select(p => p.Id).ToListAsync(ct))
        {
            users.Add($"pool '{pool}' (escalation.to.{kind})");
        }

        return users.Count == 0 ? null : $"{kind} '{id}' is used by {string.Join("; ", users)}; change those first";
    }
}
