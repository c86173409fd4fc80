using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Distribution;
using Switchboard.Routing.Lifecycle;
using Switchboard.Storage;
using Switchboard.Views;

namespace Switchboard.Api;

public sealed record DeclineInput([property: Limit(Limits.Reason)] string? Reason = null);

public sealed record ActivityInput(string? Type, [property: Limit(Limits.Note)] string? Note = null);

public sealed record StatusInput(string? Status, decimal? Value = null, [property: Limit(Limits.Reason)] string? Reason = null);

public sealed record FeedbackInput(int? Score, [property: Limit(Limits.Reason)] string? Comment = null);

public sealed record ReassignInput(string? RepId = null, [property: Limit(Limits.Reason)] string? Reason = null);

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
        leads.MapPost("/{id}/reassign", Reassign).Accepts<ReassignInput>("application/json");
        return api;
    }

    public static async Task<Results<Ok<LeadView>, ValidationProblem, ProblemHttpResult>> Accept(
        string id, HttpContext http, SwitchboardDb db, LeadMoves moves, TimeProvider time, CancellationToken ct)
    {
        // Only a rep's own key reaches here, for a lead offered to them now or before (Auth/AccessPolicy.cs).
        var repId = Caller.From(http.User).RepId!;
        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        var lead = await db.Leads.FirstAsync(l => l.Id == id, ct);

        var now = time.GetUtcNow();
        return await FinishAsync(db, tx, moves, lead, LeadLifecycle.Accept(lead.Life(), repId, now), now, ct);
    }

    public static async Task<Results<Ok<LeadView>, ValidationProblem, ProblemHttpResult>> Decline(
        string id, HttpRequest request, HttpContext http, SwitchboardDb db, LeadMoves moves, TimeProvider time, CancellationToken ct)
    {
        var repId = Caller.From(http.User).RepId!; // a rep's own key (Auth/AccessPolicy.cs)
        var (input, problem) = await JsonBody.ReadAsync<DeclineInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        if (LeadLifecycle.DeclineProblem(input?.Reason) is { } invalid)
        {
            return Problems.Field(invalid.Field!, invalid.Reason);
        }

        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        if (await db.Leads.FirstOrDefaultAsync(l => l.Id == id, ct) is not { } lead)
        {
            return Problems.NotFound($"no lead '{id}'");
        }

        var now = time.GetUtcNow();
        return await FinishAsync(db, tx, moves, lead, LeadLifecycle.Decline(lead.Life(), repId, input!.Reason, now), now, ct);
    }

    /// <summary>
    /// Writes a lifecycle step and answers with the lead, or answers its refusal and writes nothing: the
    /// end every lead action shares.
    /// </summary>
    private static async Task<Results<Ok<LeadView>, ValidationProblem, ProblemHttpResult>> FinishAsync(
        SwitchboardDb db, RoutingTransaction tx, LeadMoves moves, LeadRow lead, Step step, DateTimeOffset now, CancellationToken ct)
    {
        if (await moves.ApplyAsync(db, lead, step, now, ct) is { } refused)
        {
            return refused.Kind == RefusalKind.Invalid ? Problems.Field(refused.Field!, refused.Reason) : Problems.Refused(refused, lead.Id);
        }

        if (step.Changed)
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        return TypedResults.Ok(LeadView.From(lead, null, null));
    }

    /// <summary>
    /// The lead as the caller may work it: the owner (a rep), a manager of the owner's team, an admin.
    /// The access table already answered 404 outside the caller's reach; a rep's reach also holds leads
    /// merely offered to them, which they accept or decline but do not work. The routing lock keeps
    /// actions and the clock from crossing.
    /// </summary>
    private static async Task<(LeadRow? Lead, string Actor, ProblemHttpResult? Problem)> WorkableAsync(SwitchboardDb db, HttpContext http, string id, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == id, ct);
        if (lead is null || (caller.RepId is { } rep && lead.OwnerRepId != rep))
        {
            return (null, "", Problems.NotFound($"no lead '{id}'"));
        }

        return (lead, caller.RepId ?? caller.KeyName, null);
    }

    public static async Task<Results<Ok<LeadView>, ValidationProblem, ProblemHttpResult>> LogActivity(
        string id, HttpRequest request, HttpContext http, SwitchboardDb db, LeadMoves moves, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<ActivityInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        if (LeadLifecycle.ActivityProblem(input?.Type) is { } invalid)
        {
            return Problems.Field(invalid.Field!, invalid.Reason);
        }

        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        var (lead, actor, missing) = await WorkableAsync(db, http, id, ct);
        if (lead is null)
        {
            return missing!;
        }

        var now = time.GetUtcNow();
        return await FinishAsync(db, tx, moves, lead, LeadLifecycle.Touch(lead.Life(), input!.Type!, input.Note, actor, now), now, ct);
    }

    public static async Task<Results<Ok<LeadView>, ValidationProblem, ProblemHttpResult>> ChangeStatus(
        string id, HttpRequest request, HttpContext http, SwitchboardDb db, LeadMoves moves, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<StatusInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        if (LeadLifecycle.StatusChangeProblem(input?.Status, input?.Value, input?.Reason) is { } invalid)
        {
            return Problems.Field(invalid.Field!, invalid.Reason);
        }

        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        var (lead, actor, missing) = await WorkableAsync(db, http, id, ct);
        if (lead is null)
        {
            return missing!;
        }

        var now = time.GetUtcNow();
        return await FinishAsync(db, tx, moves, lead, LeadLifecycle.ChangeStatus(lead.Life(), input!.Status, input.Value, input.Reason, actor, now), now, ct);
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
        string id, HttpRequest request, HttpContext http, SwitchboardDb db, LeadMoves moves, TimeProvider time, CancellationToken ct)
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

        // A manager hands leads only to reps of their teams; others are not theirs to see.
        var caller = Caller.From(http.User);
        if (caller.Role == Roles.Manager && input?.RepId is { } to &&
            !(await db.Reps.AsNoTracking().FirstOrDefaultAsync(r => r.Id == to, ct) is { } target && Scopes.SeesRep(caller, target)))
        {
            return Problems.NotFound($"no rep '{to}'");
        }

        var now = time.GetUtcNow();
        var step = LeadLifecycle.Reassign(lead.Life(), input?.RepId, actor, input?.Reason ?? "reassigned by " + actor, now);
        return await FinishAsync(db, tx, moves, lead, step, now, ct);
    }
}
