using Microsoft.EntityFrameworkCore;
using Switchboard.Routing;
using Switchboard.Storage;

namespace Switchboard.Work;

/// <summary>Taking a lead from its holder, by a manager or on an SLA breach: to a named rep, or through the flow again without anyone who held it.</summary>
public static class LeadReassignment
{
    /// <summary>Back to a pool for someone else to claim; the holder is left out of later routing.</summary>
    public static void ToPool(SwitchboardDb db, LeadRow lead, string poolId, string note, DateTimeOffset now)
    {
        if (lead.OwnerRepId is { } owner)
        {
            lead.ExcludedRepIds = [.. lead.ExcludedRepIds.Union([owner])];
        }

        lead.Status = "pooled";
        lead.PoolId = poolId;
        lead.PooledAt = now;
        lead.PoolEscalatedAt = null;
        lead.OwnerRepId = null;
        LeadSla.Stop(lead);
        db.LeadEvents.Add(new LeadEventRow { LeadId = lead.Id, Type = "pooled", At = now, Actor = "system", Note = note });
    }

    public static async Task MoveAsync(SwitchboardDb db, LeadRouting routing, LeadRow lead, string? toRepId, string actor, string reason, DateTimeOffset now, CancellationToken ct)
    {
        var from = lead.OwnerRepId;
        var holders = from is null ? lead.OfferedRepIds : [from];
        LeadOffers.LeaveOut(lead, holders); // an owned lead has no open offer; an offered one loses all of it
        lead.OwnerRepId = null;
        lead.AcceptedAt = null;
        var fromText = holders.Length == 0 ? "" : $" from {string.Join(", ", holders)}";
        if (toRepId is not null)
        {
            lead.Status = "assigned";
            lead.OwnerRepId = toRepId;
            lead.AssignedAt = now;
            lead.UpdatedAt = now;
            db.LeadEvents.Add(new LeadEventRow { LeadId = lead.Id, Type = "reassigned", At = now, Actor = actor, RepId = toRepId, Note = $"{reason}:{fromText} to {toRepId}" });
            await db.CountAssignmentAsync(toRepId, now, ct);
            return;
        }

        db.LeadEvents.Add(new LeadEventRow { LeadId = lead.Id, Type = "reassigned", At = now, Actor = actor, Note = $"{reason}:{fromText}; routing it again without {(holders.Length == 0 ? "them" : string.Join(", ", lead.ExcludedRepIds))}" });
        await routing.RouteAsync(db, lead, "system", now, ct, passedOn: reason + fromText);
    }
}
