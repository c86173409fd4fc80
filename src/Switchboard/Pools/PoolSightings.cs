using Microsoft.EntityFrameworkCore;
using Switchboard.Storage;

namespace Switchboard.Pools;

/// <summary>
/// Who saw a pooled lead before it was claimed: the first time a rep's pool listing shows it, a "seen"
/// entry goes on the lead's timeline (never shown to other reps, so a blind pool still leaks nothing).
/// </summary>
public static class PoolSightings
{
    public static async Task RecordAsync(SwitchboardDb db, PoolRow pool, string repId, IReadOnlyCollection<string> leadIds, DateTimeOffset now, CancellationToken ct)
    {
        if (leadIds.Count == 0)
        {
            return;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var seen = await db.LeadSightings.Where(s => s.RepId == repId && leadIds.Contains(s.LeadId)).Select(s => s.LeadId).ToListAsync(ct);
        var first = leadIds.Except(seen).ToList();
        foreach (var leadId in first)
        {
            // ON CONFLICT: a second listing by the same rep at the same moment records nothing twice.
            var inserted = await db.Database.ExecuteSqlAsync(
                $"""INSERT INTO lead_sightings ("LeadId", "RepId") VALUES ({leadId}, {repId}) ON CONFLICT DO NOTHING""", ct);
            if (inserted == 1)
            {
                db.LeadEvents.Add(new LeadEventRow { LeadId = leadId, Type = "seen", At = now, Actor = repId, RepId = repId, Note = $"in pool '{pool.Id}' ({pool.Mode})" });
            }
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}
