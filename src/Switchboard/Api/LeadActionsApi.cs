using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Routing;
using Switchboard.Storage;
using Switchboard.Work;
using Switchboard.Views;

namespace Switchboard.Api;

public sealed record DeclineInput(string? Reason = null);

public sealed record ActivityInput(string? Type, string? Note = null);

public sealed record StatusInput(string? Status, decimal? Value = null, string? Reason = null);

public sealed record FeedbackInput(int? Score, string? Comment = null);

public sealed record ReassignInput(string? RepId = null, string? Reason = null);

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
        leads.MapPost("/{id}/activities", LogActivity).Accepts<ActivityInput>("application/json");
        leads.MapPost("/{id}/status", ChangeStatus).Accepts<StatusInput>("application/json");
        leads.MapPost("/{id}/feedback", RecordFeedback).Accepts<FeedbackInput>("application/json");
        leads.MapPost("/{id}/reassign", Reassign).RequireAuthorization(Policies.AdminOrManager).Accepts<ReassignInput>("application/json");
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
            case "assigned" when lead.OwnerRepId == repId && lead.AcceptDueAt <= now:
                return Problems.Conflict($"the time to accept lead '{id}' ran out at {lead.AcceptDueAt:u}");
            case "assigned" when lead.OwnerRepId == repId:
                db.LeadEvents.Add(new LeadEventRow { LeadId = id, Type = "accepted", At = now, Actor = repId, RepId = repId });
                lead.AcceptDueAt = null;
                lead.RemindAt = lead.TouchDueAt is null ? null : lead.RemindAt;
                break;
            case "offered" when lead.OfferedRepIds.Contains(repId) && lead.OfferExpiresAt > now:
                var others = lead.OfferedRepIds.Where(r => r != repId).ToList();
                lead.OwnerRepId = repId;
                lead.AssignedAt = now;
                lead.OfferedRepIds = [];
                lead.OfferExpiresAt = null;
                db.LeadEvents.Add(new LeadEventRow { LeadId = id, Type = "accepted", At = now, Actor = repId, RepId = repId, Note = TimelineNotes.AcceptedOffer });
                if (others.Count > 0)
                {
                    db.LeadEvents.Add(new LeadEventRow { LeadId = id, Type = "offer_withdrawn", At = now, Actor = "system", Note = $"{repId} accepted first; withdrawn from {string.Join(", ", others)}" });
                }

                var rep = await db.Reps.AsNoTracking().FirstAsync(r => r.Id == repId, ct);
                await db.CountAssignmentAsync(repId, now, ct, rep.TimeZone);
                LeadSla.Start(lead, LeadSla.Of(lead), rep.ToEngineRep(), now, accepted: true);
                break;
            case "accepted" when lead.OwnerRepId == repId:
                return TypedResults.Ok(LeadView.From(lead, null, null)); // a retried accept changes nothing
            case "offered" when lead.OfferedRepIds.Contains(repId):
                return Problems.Conflict($"the offer of lead '{id}' expired at {lead.OfferExpiresAt:u}");
            default:
                return Problems.Conflict($"lead '{id}' is no longer yours to accept");
        }

        lead.Status = "accepted";
        lead.AcceptedAt = now;
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

        var (input, problem) = await JsonBody.ReadAsync<DeclineInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(input?.Reason))
        {
            return Problems.Field("reason", "required: say why, for the timeline and the manager");
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

    /// <summary>Activities that count as touching the lead (a note does not).</summary>
    public static readonly string[] Touches = ["call", "email", "meeting"];

    /// <summary>Statuses a rep may move their lead to.</summary>
    public static readonly string[] WorkStatuses = ["contacted", "qualified", "meeting", "proposal", "won", "lost", "recycled"];

    /// <summary>
    /// The lead as the caller may work it: the owner (a rep), a manager of the owner's team, an admin;
    /// anyone else is told it does not exist. The routing lock keeps actions and the clock from crossing.
    /// </summary>
    private static async Task<(LeadRow? Lead, string Actor, ProblemHttpResult? Problem)> WorkableAsync(SwitchboardDb db, HttpContext http, string id, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var visible = await LeadsApi.VisibleLeadsAsync(db, caller, ct);
        if (!await visible.AnyAsync(l => l.Id == id && (caller.RepId == null || l.OwnerRepId == caller.RepId), ct))
        {
            return (null, "", Problems.NotFound($"no lead '{id}'"));
        }

        return (await db.Leads.FirstAsync(l => l.Id == id, ct), caller.RepId ?? caller.KeyName, null);
    }

    public static async Task<Results<Ok<LeadView>, ValidationProblem, ProblemHttpResult>> LogActivity(
        string id, HttpRequest request, HttpContext http, SwitchboardDb db, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<ActivityInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        if (input?.Type is not ("call" or "email" or "meeting" or "note"))
        {
            return Problems.Field("type", "one of call, email, meeting, note");
        }

        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        var (lead, actor, missing) = await WorkableAsync(db, http, id, ct);
        if (lead is null)
        {
            return missing!;
        }

        var now = time.GetUtcNow();
        lead.LastActivityAt = now;
        if (Touches.Contains(input.Type) && lead.FirstTouchAt is null)
        {
            lead.FirstTouchAt = now;
            lead.TouchDueAt = null;
        }

        lead.UpdatedAt = now;
        LeadSla.Touched(lead, LeadSla.Of(lead), now);
        db.LeadEvents.Add(new LeadEventRow { LeadId = id, Type = "activity", At = now, Actor = actor, RepId = lead.OwnerRepId, Note = input.Note is { Length: > 0 } note ? $"{input.Type}: {note}" : input.Type });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(LeadView.From(lead, null, null));
    }

    public static async Task<Results<Ok<LeadView>, ValidationProblem, ProblemHttpResult>> ChangeStatus(
        string id, HttpRequest request, HttpContext http, SwitchboardDb db, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<StatusInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        if (input?.Status is not { } status || !WorkStatuses.Contains(status))
        {
            errors.Add("status", $"one of {string.Join(", ", WorkStatuses)}");
        }
        else if (status == "won" && input.Value is not > 0)
        {
            errors.Add("value", "required when won: the deal's value, more than 0");
        }
        else if (status == "lost" && string.IsNullOrWhiteSpace(input.Reason))
        {
            errors.Add("reason", "required when lost");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        var (lead, actor, missing) = await WorkableAsync(db, http, id, ct);
        if (lead is null)
        {
            return missing!;
        }

        if (lead.OwnerRepId is null || lead.Status is "offered" or "pooled" or "held")
        {
            return Problems.Conflict($"lead '{id}' is {lead.Status}; it is worked once someone owns it");
        }

        var now = time.GetUtcNow();
        var before = lead.Status;
        lead.Status = input!.Status!;
        lead.LastActivityAt = now;
        lead.UpdatedAt = now;
        if (lead.Status is "contacted" or "qualified" or "meeting" or "proposal" && lead.FirstTouchAt is null)
        {
            lead.FirstTouchAt = now; // reaching any of these means someone got in touch
            lead.TouchDueAt = null;
        }

        LeadSla.Touched(lead, LeadSla.Of(lead), now);
        if (lead.Status is "won" or "lost" or "recycled")
        {
            LeadSla.Stop(lead);
        }

        if (lead.Status == "won")
        {
            lead.Value = input.Value;
        }

        if (lead.Status == "lost")
        {
            lead.LostReason = input.Reason!.Trim();
        }

        if (lead.Status == "recycled")
        {
            lead.OwnerRepId = null; // back for routing or a campaign later; the history stays on the timeline
        }

        var detail = input.Status switch
        {
            "won" => $" (value {input.Value})",
            "lost" or "recycled" when input.Reason is { Length: > 0 } why => $" ({why.Trim()})",
            _ => "",
        };
        db.LeadEvents.Add(new LeadEventRow { LeadId = id, Type = "status_changed", At = now, Actor = actor, RepId = lead.OwnerRepId, Note = $"{before} → {lead.Status}{detail}" });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(LeadView.From(lead, null, null));
    }

    public static async Task<Results<Ok<LeadView>, ValidationProblem, ProblemHttpResult>> RecordFeedback(
        string id, HttpRequest request, HttpContext http, SwitchboardDb db, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<FeedbackInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        if (input?.Score is not (>= 0 and <= 10))
        {
            return Problems.Field("score", "required: a whole number from 0 to 10");
        }

        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        var (lead, actor, missing) = await WorkableAsync(db, http, id, ct);
        if (lead is null)
        {
            return missing!;
        }

        var now = time.GetUtcNow();
        lead.FeedbackScore = input.Score;
        lead.UpdatedAt = now;
        db.LeadEvents.Add(new LeadEventRow { LeadId = id, Type = "feedback", At = now, Actor = actor, RepId = lead.OwnerRepId, Note = $"customer feedback {input.Score}/10" + (input.Comment is { Length: > 0 } c ? $": {c}" : "") });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(LeadView.From(lead, null, null));
    }

    /// <summary>A manager or admin moves a lead: to a named rep, or through the flow again without the current owner.</summary>
    public static async Task<Results<Ok<LeadView>, ValidationProblem, ProblemHttpResult>> Reassign(
        string id, HttpRequest request, HttpContext http, SwitchboardDb db, LeadRouting routing, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<ReassignInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        var (lead, actor, missing) = await WorkableAsync(db, http, id, ct);
        if (lead is null)
        {
            return missing!;
        }

        if (input?.RepId is { } target && !await db.Reps.AnyAsync(r => r.Id == target, ct))
        {
            return Problems.Field("repId", $"rep '{target}' does not exist");
        }

        var now = time.GetUtcNow();
        await LeadReassignment.MoveAsync(db, routing, lead, input?.RepId, actor, input?.Reason ?? "reassigned by " + actor, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(LeadView.From(lead, null, null));
    }
}
