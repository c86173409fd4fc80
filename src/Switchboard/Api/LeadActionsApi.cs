using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Routing;
using Switchboard.Storage;
using Switchboard.Work;

namespace Switchboard.Api;

public sealed record DeclineInput(string? Reason = null);

/// <summary>
/// What a rep does with a lead pushed or offered to them: accept it, or decline it (with a reason). An
/// offer to several reps (shotgun) goes to the first who accepts; the others' offers are withdrawn.
/// Accepts, declines and the offer clock run under the routing lock, so exactly one of them decides.
/// </summary>
public static class LeadActionsApi
{
    public static RouteGroupBuilder MapLeadActionsApi(this RouteGroupBuilder api)
    {
        var leads = api.MapGroup("/leads").WithTags("Leads");
        leads.MapPost("/{id}/accept", Accept);
        leads.MapPost("/{id}/decline", Decline).Accepts<DeclineInput>("application/json");
        return api;
    }

    public static async Task<Results<Ok<LeadView>, ProblemHttpResult>> Accept(
        string id, HttpContext http, SwitchboardDb db, TimeProvider time, CancellationToken ct)
    {
        if (Caller.From(http.User).RepId is not { } repId)
        {
            return TypedResults.Problem("leads are accepted with the rep's own key", statusCode: 403, title: "Forbidden");
        }

        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == id, ct);
        var now = time.GetUtcNow();
        if (lead is null || !(lead.OwnerRepId == repId || lead.OfferedRepIds.Contains(repId) || lead.ExcludedRepIds.Contains(repId) ||
                              (await DecisionView.LatestAsync(db, id, ct))?.OfferedRepIds?.Contains(repId) == true))
        {
            return Problems.NotFound($"no lead '{id}'");
        }

        switch (lead.Status)
        {
            case "assigned" when lead.OwnerRepId == repId:
                db.LeadEvents.Add(new LeadEventRow { LeadId = id, Type = "accepted", At = now, Actor = repId, RepId = repId });
                break;
            case "offered" when lead.OfferedRepIds.Contains(repId) && lead.OfferExpiresAt > now:
                var others = lead.OfferedRepIds.Where(r => r != repId).ToList();
                lead.OwnerRepId = repId;
                lead.AssignedAt = now;
                lead.OfferedRepIds = [];
                lead.OfferExpiresAt = null;
                db.LeadEvents.Add(new LeadEventRow { LeadId = id, Type = "accepted", At = now, Actor = repId, RepId = repId, Note = "accepted the offer" });
                if (others.Count > 0)
                {
                    db.LeadEvents.Add(new LeadEventRow { LeadId = id, Type = "offer_withdrawn", At = now, Actor = "system", Note = $"{repId} accepted first; withdrawn from {string.Join(", ", others)}" });
                }

                var zone = await db.Reps.AsNoTracking().Where(r => r.Id == repId).Select(r => r.TimeZone).FirstAsync(ct);
                await db.AddToCountersAsync(repId, CapPeriods.For(zone, now).All, 1, ct);

                await db.Reps.Where(r => r.Id == repId).ExecuteUpdateAsync(u => u.SetProperty(r => r.LastAssignedAt, now), ct);
                break;
            case "accepted" when lead.OwnerRepId == repId:
                return TypedResults.Ok(LeadView.From(lead, null, null)); // a retried accept changes nothing
            case "offered" when lead.OfferedRepIds.Contains(repId):
                return Problems.Conflict($"the offer of lead '{id}' expired at {lead.OfferExpiresAt:u}");
            default:
                return Problems.Conflict($"lead '{id}' is no longer yours to accept");
        }

        lead.Status = "accepted";
        lead.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(LeadView.From(lead, null, null));
    }

    public static async Task<Results<Ok<LeadView>, ValidationProblem, ProblemHttpResult>> Decline(
        string id, HttpRequest request, HttpContext http, SwitchboardDb db, LeadRouting routing, TimeProvider time, CancellationToken ct)
    {
        if (Caller.From(http.User).RepId is not { } repId)
        {
            return TypedResults.Problem("leads are declined with the rep's own key", statusCode: 403, title: "Forbidden");
        }

        var (input, problem) = await Json.ReadAsync<DeclineInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(input?.Reason))
        {
            return FieldErrors.One("reason", "required: say why, for the timeline and the manager");
        }

        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == id, ct);
        var now = time.GetUtcNow();
        var offered = lead is { Status: "offered" } && lead.OfferedRepIds.Contains(repId);
        var owned = lead is { Status: "assigned" } && lead.OwnerRepId == repId;
        if (lead is null || !(offered || owned))
        {
            return lead is not null && (lead.OwnerRepId == repId || lead.ExcludedRepIds.Contains(repId))
                ? Problems.Conflict($"lead '{id}' can no longer be declined")
                : Problems.NotFound($"no lead '{id}'");
        }

        db.LeadEvents.Add(new LeadEventRow { LeadId = id, Type = "declined", At = now, Actor = repId, RepId = repId, Note = input.Reason.Trim() });
        LeadOffers.LeaveOut(lead, [repId]);
        if (owned || lead.OfferedRepIds.Length == 0)
        {
            // Nobody left holding it: route it on now, without the reps who passed.
            lead.OwnerRepId = null;
            await routing.RouteAsync(db, lead, "system", now, ct);
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(LeadView.From(lead, null, null));
    }
}
