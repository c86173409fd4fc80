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

    /// <summary>
    /// One page of the waiting leads this caller may claim, oldest first, and how many there are; a rep's
    /// look is recorded (what each rep saw and passed over tells of cherry-picking).
    /// </summary>
    public async Task<(List<LeadRow> Leads, int Total)> PageAsync(SwitchboardDb db, PoolRow pool, int page, int size, DateTimeOffset now, CancellationToken ct)
    {
        var waiting = Claimable(db, pool);
        var total = await waiting.CountAsync(ct);
        var rows = await waiting.OrderBy(l => l.PooledAt).ThenBy(l => l.Id).Skip((page - 1) * size).Take(size).ToListAsync(ct);
        if (Caller.RepId is { } repId)
        {
            await PoolSightings.RecordAsync(db, pool, repId, [.. rows.Select(l => l.Id)], now, ct);
        }

        return (rows, total);
    }

    /// <summary>How many leads wait in each pool.</summary>
    public static Task<Dictionary<string, int>> WaitingByPoolAsync(SwitchboardDb db, CancellationToken ct) =>
        db.Leads.Where(l => l.Status == LeadStatus.Pooled && l.PoolId != null).GroupBy(l => l.PoolId!)
            .Select(g => new { Pool = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Pool, g => g.Count, ct);
}
