using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Storage;
using Switchboard.Routing.Lifecycle;

namespace Switchboard.Pools;

public static class PoolModes
{
    public const string CherryPick = "cherry-pick";
    public const string Blind = "blind";
}

/// <summary>
/// Who may see and claim what in pools: admins see every pool; managers the pools of their teams; reps
/// the pools they are members of (by team or by name), and the escalated leads of pools that widen to them.
/// </summary>
public sealed class PoolAccess
{
    private PoolAccess(Caller caller, IReadOnlyList<string> teamIds)
    {
        Caller = caller;
        TeamIds = teamIds;
    }

    public Caller Caller { get; }

    /// <summary>A rep's teams, or a manager's.</summary>
    public IReadOnlyList<string> TeamIds { get; }

    public static async Task<PoolAccess> ForAsync(SwitchboardDb db, Caller caller, CancellationToken ct)
    {
        if (caller.RepId is { } repId)
        {
            var teams = await db.Reps.AsNoTracking().Where(r => r.Id == repId).Select(r => r.TeamIds).FirstOrDefaultAsync(ct);
            return new PoolAccess(caller, teams ?? []);
        }

        return new PoolAccess(caller, caller.TeamIds);
    }

    /// <summary>A member: named, or in a member team. Sees every waiting lead of the pool.</summary>
    public bool IsMember(PoolRow pool) =>
        (Caller.RepId is { } rep && pool.MemberRepIds.Contains(rep)) || pool.MemberTeamIds.Intersect(TeamIds).Any();

    /// <summary>Widened to: sees the pool's escalated leads only.</summary>
    public bool IsWidenedTo(PoolRow pool) =>
        pool.EscalateAction == "widen" && ((Caller.RepId is { } rep && pool.WidenRepIds.Contains(rep)) || pool.WidenTeamIds.Intersect(TeamIds).Any());

    public bool Sees(PoolRow pool) => Caller.IsAdmin || IsMember(pool) || IsWidenedTo(pool);

    /// <summary>The waiting leads this caller may see and claim in the pool.</summary>
    public IQueryable<LeadRow> Claimable(SwitchboardDb db, PoolRow pool)
    {
        var poolId = pool.Id;
        var waiting = db.Leads.AsNoTracking().Where(l => l.PoolId == poolId && l.Status == LeadStatus.Pooled);
        return Caller.IsAdmin || IsMember(pool) ? waiting : waiting.Where(l => l.PoolEscalatedAt != null);
    }
}
