using Microsoft.EntityFrameworkCore;
using Switchboard.Distribution;
using Switchboard.Routing;
using Switchboard.Routing.Lifecycle;
using Switchboard.Storage;

namespace Switchboard.Pools;

/// <summary>How a claim ended: the lead won, a limit that stopped it, or someone else was first (Taken); all null: nothing there.</summary>
public sealed record ClaimOutcome(LeadRow? Lead = null, string? Limit = null, bool Taken = false);

/// <summary>One rep's claim on a pool: a lead by id, or (none given) the oldest they may take.</summary>
public sealed record ClaimRequest(PoolRow Pool, PoolAccess Access, string RepId, string? LeadId);

/// <summary>
/// Group commit for pool claims: whatever claims are waiting are tried in arrival order in one routing
/// transaction and each claimer is answered after that commit, so many reps claiming at once end with
/// exactly one owner per lead and each rep's claim limits hold even when they click twice. A claim is
/// <see cref="LeadLifecycle.Claim"/>, and the lead reaches the rep through the one assignment path
/// (their caps checked, the SLA clock started, the assignment counted). A claim that fails in a group is
/// tried again alone (<see cref="GroupCommit{TRequest, TAnswer}"/>), so an error fails that claim only.
/// </summary>
public sealed class PoolClaims(IServiceScopeFactory scopes, LeadMoves moves, TimeProvider time, ILogger<PoolClaims> log)
    : GroupCommit<ClaimRequest, ClaimOutcome>(log, MaxGroup, capacity: 4096)
{
    /// <summary>How many of the oldest leads a claim without a lead id tries before giving up.</summary>
    private const int Attempts = 20;

    /// <summary>At most this many claims share one transaction.</summary>
    public const int MaxGroup = 256;

    /// <summary>Queues the claim and waits for its commit.</summary>
    public Task<ClaimOutcome> ClaimAsync(ClaimRequest request, CancellationToken ct) => SubmitAsync(request, ct);

    /// <summary>
    /// One transaction for the group: what its claims need read once — their reps, the reps' claims
    /// today, the claimable leads of each pool as each kind of claimer sees it — then each claim in
    /// arrival order against what the ones before it took, one save, one commit.
    /// </summary>
    protected override async Task<ClaimOutcome[]> CommitAsync(IReadOnlyList<ClaimRequest> group, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        var now = time.GetUtcNow();
        var reads = await GroupReads.ReadAsync(db, group, now, ct);
        var outcomes = new ClaimOutcome[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            outcomes[i] = await TryAsync(db, group[i], reads, time.GetUtcNow(), ct);
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return outcomes;
    }

    /// <summary>
    /// What a group of claims reads once: reps by id, each rep's claims so far today (their own zone's
    /// day), and per pool and kind of claimer (member, or widened to escalated leads) the claimable
    /// leads, tracked, oldest first — as many as the group's claims of that kind could take.
    /// </summary>
    private sealed class GroupReads
    {
        public required Dictionary<string, RepRow> Reps { get; init; }
        public required Dictionary<string, int> ClaimedToday { get; init; }
        public required Dictionary<(string Pool, bool Member), List<LeadRow>> Claimable { get; init; }

        /// <summary>Claims this group won so far, per rep: their limits count them.</summary>
        public Dictionary<string, int> Won { get; } = new(StringComparer.Ordinal);

        public static bool Member(ClaimRequest c) => c.Access.Caller.IsAdmin || c.Access.IsMember(c.Pool);

        public static async Task<GroupReads> ReadAsync(SwitchboardDb db, IReadOnlyList<ClaimRequest> claims, DateTimeOffset now, CancellationToken ct)
        {
            var repIds = claims.Select(c => c.RepId).Distinct().ToArray();
            var reps = await db.Reps.AsNoTracking().Where(r => EF.Parameter(repIds).Contains(r.Id)).ToDictionaryAsync(r => r.Id, StringComparer.Ordinal, ct);

            // Claims today: each rep's own day; one read from the earliest of those days on.
            var today = new Dictionary<string, int>(StringComparer.Ordinal);
            var limited = claims.Where(c => c.Pool.ClaimPerDay is not null).Select(c => c.RepId).Distinct().Where(reps.ContainsKey).ToArray();
            if (limited.Length > 0)
            {
                var starts = limited.ToDictionary(r => r, r => DayStart(reps[r], now), StringComparer.Ordinal);
                var since = starts.Values.Min();
                var events = await db.LeadEvents.AsNoTracking()
                    .Where(e => e.Type == "claimed" && e.At >= since && EF.Parameter(limited).Contains(e.RepId!))
                    .Select(e => new { e.RepId, e.At }).ToListAsync(ct);
                foreach (var r in limited)
                {
                    today[r] = events.Count(e => e.RepId == r && e.At >= starts[r]);
                }
            }

            var claimable = new Dictionary<(string, bool), List<LeadRow>>();
            foreach (var kind in claims.GroupBy(c => (c.Pool.Id, Member(c))))
            {
                var first = kind.First();
                var byId = kind.Select(c => c.LeadId).OfType<string>().Distinct().ToArray();
                var oldest = kind.Count(c => c.LeadId is null);
                var query = first.Access.Claimable(db, first.Pool).AsTracking();
                var leads = byId.Length > 0 ? await query.Where(l => EF.Parameter(byId).Contains(l.Id)).ToListAsync(ct) : [];
                if (oldest > 0)
                {
                    leads.AddRange(await query.Where(l => !EF.Parameter(byId).Contains(l.Id))
                        .OrderBy(l => l.PooledAt).ThenBy(l => l.Id).Take(oldest + Attempts).ToListAsync(ct));
                }

                claimable[kind.Key] = leads.OrderBy(l => l.PooledAt).ThenBy(l => l.Id, StringComparer.Ordinal).ToList();
            }

            return new GroupReads { Reps = reps, ClaimedToday = today, Claimable = claimable };
        }
    }

    private static DateTimeOffset DayStart(RepRow rep, DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, CapPeriods.FindZone(rep.TimeZone));
        return new DateTimeOffset(local.Date, local.Offset);
    }

    private async Task<ClaimOutcome> TryAsync(SwitchboardDb db, ClaimRequest claim, GroupReads reads, DateTimeOffset now, CancellationToken ct)
    {
        var (pool, repId, leadId) = (claim.Pool, claim.RepId, claim.LeadId);
        var rep = reads.Reps[repId];
        if (Limit(pool, rep, reads.ClaimedToday.GetValueOrDefault(repId), reads.Won.GetValueOrDefault(repId)) is { } limit)
        {
            return new ClaimOutcome(Limit: limit);
        }

        // Leads claimed earlier in the group are no longer pooled in memory, so the lifecycle refuses them.
        var claimable = reads.Claimable[(pool.Id, GroupReads.Member(claim))];
        var tried = 0;
        foreach (var lead in claimable)
        {
            if ((leadId is not null && lead.Id != leadId) || (leadId is null && tried++ >= Attempts))
            {
                continue;
            }

            var step = LeadLifecycle.Claim(lead.Life(), pool.Id, pool.Name, pool.Mode, repId);
            if (step.Refused is not null)
            {
                if (leadId is not null)
                {
                    return new ClaimOutcome(Taken: true); // someone earlier in this group
                }

                tried--; // taken in this group: not one of this claim's attempts
                continue;
            }

            if (await moves.ApplyAsync(db, lead, step, now, ct) is { } refused)
            {
                return new ClaimOutcome(Limit: refused.Reason);
            }

            reads.Won[repId] = reads.Won.GetValueOrDefault(repId) + 1;
            return new ClaimOutcome(lead);
        }

        if (leadId is null)
        {
            return new ClaimOutcome(Taken: claimable.Count > 0);
        }

        return new ClaimOutcome(Taken: await db.Leads.AnyAsync(l => l.Id == leadId && l.ClaimedFromPoolId == pool.Id, ct));
    }

    /// <summary>
    /// The pool's claim limits for this rep: open leads they hold, and claims today in their own time
    /// zone — each with the <paramref name="wonHere"/> claims this group already gave them.
    /// </summary>
    private static string? Limit(PoolRow pool, RepRow rep, int claimedToday, int wonHere)
    {
        var open = rep.OpenLeads + wonHere;
        if (pool.ClaimMaxOpen is { } maxOpen && open >= maxOpen)
        {
            return $"claim limit: {rep.Id} has {open} open leads and pool '{pool.Id}' allows claiming up to {maxOpen} open";
        }

        var today = claimedToday + wonHere;
        if (pool.ClaimPerDay is { } perDay && today >= perDay)
        {
            return $"claim limit: {rep.Id} claimed {today} leads today and pool '{pool.Id}' allows {perDay} a day";
        }

        return null;
    }
}
