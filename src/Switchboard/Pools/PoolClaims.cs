using System.Threading.Channels;
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
/// tried again alone, so an error fails that claim only.
/// </summary>
public sealed class PoolClaims(IServiceScopeFactory scopes, LeadMoves moves, TimeProvider time, ILogger<PoolClaims> log) : BackgroundService
{
    /// <summary>How many of the oldest leads a claim without a lead id tries before giving up.</summary>
    private const int Attempts = 20;

    /// <summary>At most this many claims share one transaction.</summary>
    public const int MaxGroup = 256;

    private sealed record Waiting(ClaimRequest Request, TaskCompletionSource<ClaimOutcome> Answer);

    private readonly Channel<Waiting> _waiting = Channel.CreateBounded<Waiting>(
        new BoundedChannelOptions(4096) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Queues the claim and waits for its commit.</summary>
    public async Task<ClaimOutcome> ClaimAsync(ClaimRequest request, CancellationToken ct)
    {
        var waiting = new Waiting(request, new TaskCompletionSource<ClaimOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _waiting.Writer.WriteAsync(waiting, ct);
        return await waiting.Answer.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var group = new List<Waiting>(MaxGroup);
        try
        {
            while (await _waiting.Reader.WaitToReadAsync(stoppingToken))
            {
                while (group.Count < MaxGroup && _waiting.Reader.TryRead(out var next))
                {
                    group.Add(next);
                }

                await WriteAsync(group, CancellationToken.None);
                group.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            foreach (var w in group)
            {
                w.Answer.TrySetCanceled(stoppingToken);
            }

            while (_waiting.Reader.TryRead(out var left))
            {
                left.Answer.TrySetCanceled(stoppingToken);
            }
        }
    }

    private async Task WriteAsync(List<Waiting> group, CancellationToken ct)
    {
        try
        {
            var outcomes = await CommitAsync(group, ct);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Answer.TrySetResult(outcomes[i]);
            }
        }
        catch (Exception e) when (group.Count > 1 && e is not OperationCanceledException)
        {
            // Something in the group failed and nothing of it was committed: each claim again on its own.
            log.LogWarning(e, "A group of {Count} claims failed; trying each alone", group.Count);
            foreach (var w in group)
            {
                await WriteAsync([w], ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            group[0].Answer.TrySetException(e);
        }
    }

    /// <summary>One transaction for the group: each claim in arrival order against what the ones before it took, one save, one commit.</summary>
    private async Task<ClaimOutcome[]> CommitAsync(List<Waiting> group, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        var won = new Dictionary<string, int>(StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var outcomes = new ClaimOutcome[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            outcomes[i] = await TryAsync(db, group[i].Request, won, taken, time.GetUtcNow(), ct);
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return outcomes;
    }

    /// <param name="won">Claims this group won so far, per rep: their limits count them.</param>
    /// <param name="taken">Leads this group claimed so far: not offered to later claims.</param>
    private async Task<ClaimOutcome> TryAsync(
        SwitchboardDb db, ClaimRequest claim, Dictionary<string, int> won, HashSet<string> taken, DateTimeOffset now, CancellationToken ct)
    {
        var (pool, repId, leadId) = (claim.Pool, claim.RepId, claim.LeadId);
        var rep = await db.Reps.AsNoTracking().FirstAsync(r => r.Id == repId, ct);
        if (await LimitAsync(db, pool, rep, won.GetValueOrDefault(repId), now, ct) is { } limit)
        {
            return new ClaimOutcome(Limit: limit);
        }

        var gone = taken.ToArray();
        var claimable = claim.Access.Claimable(db, pool).Where(l => !EF.Parameter(gone).Contains(l.Id));
        List<string> candidates = leadId is null
            ? await claimable.OrderBy(l => l.PooledAt).ThenBy(l => l.Id).Select(l => l.Id).Take(Attempts).ToListAsync(ct)
            : await claimable.Where(l => l.Id == leadId).Select(l => l.Id).ToListAsync(ct);
        if (candidates.Count == 0)
        {
            var lost = leadId is not null && (taken.Contains(leadId) || await db.Leads.AnyAsync(l => l.Id == leadId && l.ClaimedFromPoolId == pool.Id, ct));
            return new ClaimOutcome(Taken: lost);
        }

        foreach (var id in candidates)
        {
            var lead = await db.Leads.FirstAsync(l => l.Id == id, ct);
            var step = LeadLifecycle.Claim(lead.Life(), pool.Id, pool.Name, pool.Mode, repId);
            if (step.Refused is not null)
            {
                continue; // claimed, moved or escalated since the list was read
            }

            if (await moves.ApplyAsync(db, lead, step, now, ct) is { } refused)
            {
                return new ClaimOutcome(Limit: refused.Reason);
            }

            won[repId] = won.GetValueOrDefault(repId) + 1;
            taken.Add(lead.Id);
            return new ClaimOutcome(lead);
        }

        return new ClaimOutcome(Taken: true);
    }

    /// <summary>
    /// The pool's claim limits for this rep: open leads they hold, and claims today in their own time
    /// zone — each with the <paramref name="wonHere"/> claims this group already gave them.
    /// </summary>
    private static async Task<string?> LimitAsync(SwitchboardDb db, PoolRow pool, RepRow rep, int wonHere, DateTimeOffset now, CancellationToken ct)
    {
        var repId = rep.Id;
        var open = rep.OpenLeads + wonHere;
        if (pool.ClaimMaxOpen is { } maxOpen && open >= maxOpen)
        {
            return $"claim limit: {repId} has {open} open leads and pool '{pool.Id}' allows claiming up to {maxOpen} open";
        }

        if (pool.ClaimPerDay is { } perDay)
        {
            var local = TimeZoneInfo.ConvertTime(now, CapPeriods.FindZone(rep.TimeZone));
            var dayStart = new DateTimeOffset(local.Date, local.Offset);
            var today = await db.LeadEvents.CountAsync(e => e.RepId == repId && e.Type == "claimed" && e.At >= dayStart, ct) + wonHere;
            if (today >= perDay)
            {
                return $"claim limit: {repId} claimed {today} leads today and pool '{pool.Id}' allows {perDay} a day";
            }
        }

        return null;
    }
}
