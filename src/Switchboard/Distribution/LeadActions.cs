using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Routing.Lifecycle;
using Switchboard.Storage;

namespace Switchboard.Distribution;

/// <summary>What a lead action came to: the lead as it now stands, or why nothing was written.</summary>
public sealed record ActionOutcome(LeadRow? Lead, Refusal? Refused)
{
    public static ActionOutcome NotFound(string id) => new(null, new Refusal(RefusalKind.NotFound, $"no lead '{id}'"));

    public static ActionOutcome Invalid(string field, string reason) => new(null, new Refusal(RefusalKind.Invalid, reason, field));
}

/// <summary>
/// What people do with a lead — accept or decline an offer, log an activity, change its status, record
/// feedback, reassign it — for the HTTP API and the app alike. The caller's reach was checked before
/// (<see cref="AccessPolicy.MayAsync"/>); these check what only the lead can tell (a rep works only their
/// own leads) and run under the routing lock, so actions and the lead clock never cross.
/// </summary>
public static class LeadActions
{
    public static async Task<ActionOutcome> AcceptAsync(SwitchboardDb db, LeadMoves moves, Caller caller, string id, DateTimeOffset now, CancellationToken ct)
    {
        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        if (caller.RepId is not { } repId || await db.Leads.FirstOrDefaultAsync(l => l.Id == id, ct) is not { } lead)
        {
            return ActionOutcome.NotFound(id);
        }

        return await FinishAsync(db, tx, moves, lead, LeadLifecycle.Accept(lead.Life(), repId, now), now, ct);
    }

    public static async Task<ActionOutcome> DeclineAsync(SwitchboardDb db, LeadMoves moves, Caller caller, string id, string? reason, DateTimeOffset now, CancellationToken ct)
    {
        if (LeadLifecycle.DeclineProblem(reason) is { } invalid)
        {
            return ActionOutcome.Invalid(invalid.Field!, invalid.Reason);
        }

        if (Unfit("reason", reason, Limits.Reason) is { } unfit)
        {
            return unfit;
        }

        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        if (caller.RepId is not { } repId || await db.Leads.FirstOrDefaultAsync(l => l.Id == id, ct) is not { } lead)
        {
            return ActionOutcome.NotFound(id);
        }

        return await FinishAsync(db, tx, moves, lead, LeadLifecycle.Decline(lead.Life(), repId, reason, now), now, ct);
    }

    public static async Task<ActionOutcome> LogActivityAsync(SwitchboardDb db, LeadMoves moves, Caller caller, string id, string? type, string? note, DateTimeOffset now, CancellationToken ct)
    {
        if (LeadLifecycle.ActivityProblem(type) is { } invalid)
        {
            return ActionOutcome.Invalid(invalid.Field!, invalid.Reason);
        }

        if (Unfit("note", note, Limits.Note) is { } unfit)
        {
            return unfit;
        }

        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        if (await WorkableAsync(db, caller, id, ct) is not { } lead)
        {
            return ActionOutcome.NotFound(id);
        }

        return await FinishAsync(db, tx, moves, lead, LeadLifecycle.Touch(lead.Life(), type!, note, ActorOf(caller), now), now, ct);
    }

    public static async Task<ActionOutcome> ChangeStatusAsync(SwitchboardDb db, LeadMoves moves, Caller caller, string id, string? status, decimal? value, string? reason, DateTimeOffset now, CancellationToken ct)
    {
        if (LeadLifecycle.StatusChangeProblem(status, value, reason) is { } invalid)
        {
            return ActionOutcome.Invalid(invalid.Field!, invalid.Reason);
        }

        if (Unfit("reason", reason, Limits.Reason) is { } unfit)
        {
            return unfit;
        }

        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        if (await WorkableAsync(db, caller, id, ct) is not { } lead)
        {
            return ActionOutcome.NotFound(id);
        }

        return await FinishAsync(db, tx, moves, lead, LeadLifecycle.ChangeStatus(lead.Life(), status, value, reason, ActorOf(caller), now), now, ct);
    }

    public static async Task<ActionOutcome> RecordFeedbackAsync(SwitchboardDb db, Caller caller, string id, int? score, string? comment, DateTimeOffset now, CancellationToken ct)
    {
        if (score is not (>= 0 and <= 10))
        {
            return ActionOutcome.Invalid("score", "required: a whole number from 0 to 10");
        }

        if (Unfit("comment", comment, Limits.Reason) is { } unfit)
        {
            return unfit;
        }

        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        if (await WorkableAsync(db, caller, id, ct) is not { } lead)
        {
            return ActionOutcome.NotFound(id);
        }

        lead.FeedbackScore = score;
        lead.UpdatedAt = now;
        db.LeadEvents.Add(new LeadEventRow { LeadId = id, Type = "feedback", At = now, Actor = ActorOf(caller), RepId = lead.OwnerRepId, Note = $"customer feedback {score}/10" + (comment is { Length: > 0 } c ? $": {c}" : "") });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new ActionOutcome(lead, null);
    }

    /// <summary>A manager or admin moves a lead: to a named rep (a manager: only one of their teams'), or through the flow again without the current owner.</summary>
    public static async Task<ActionOutcome> ReassignAsync(SwitchboardDb db, LeadMoves moves, Caller caller, string id, string? repId, string? reason, DateTimeOffset now, CancellationToken ct)
    {
        if (Unfit("reason", reason, Limits.Reason) is { } unfit)
        {
            return unfit;
        }

        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        if (await WorkableAsync(db, caller, id, ct) is not { } lead)
        {
            return ActionOutcome.NotFound(id);
        }

        // A manager hands leads only to reps of their teams; others are not theirs to see.
        if (caller.Role == Roles.Manager && repId is { } to &&
            !(await db.Reps.AsNoTracking().FirstOrDefaultAsync(r => r.Id == to, ct) is { } target && Scopes.SeesRep(caller, target)))
        {
            return new ActionOutcome(null, new Refusal(RefusalKind.NotFound, $"no rep '{to}'"));
        }

        // Handed to a named rep, the lead's decision says so: what the flow weighed, whom the person chose.
        var actor = ActorOf(caller);
        var weighed = repId is not null ? await moves.WeighAsync(db, lead, now, ct) : null;
        var step = LeadLifecycle.Reassign(lead.Life(), repId, actor, reason ?? "reassigned by " + actor, now);
        if (weighed is not null && step.Refused is null)
        {
            LeadRouting.Record(db, id, Routing.RoutingDecision.HandPicked(weighed, repId!, actor), now);
        }

        return await FinishAsync(db, tx, moves, lead, step, now, ct);
    }

    /// <summary>
    /// Text a person wrote, checked as the API's JSON reader checks it (the app hands text over without
    /// JSON): no control or broken characters, no longer than the API allows.
    /// </summary>
    private static ActionOutcome? Unfit(string field, string? text, int max) =>
        text is null ? null
        : text.Length > max ? ActionOutcome.Invalid(field, $"at most {max:N0} characters")
        : TextRules.Problem(text) is { } problem ? ActionOutcome.Invalid(field, problem)
        : null;

    /// <summary>Who the timeline names: a rep by their rep id, anyone else by their key's or account's name.</summary>
    public static string ActorOf(Caller caller) => caller.RepId ?? caller.KeyName;

    /// <summary>
    /// The lead as the caller may work it: the owner (a rep), a manager of the owner's team, an admin.
    /// Access was checked before; a rep's reach also holds leads merely offered to them, which they
    /// accept or decline but do not work.
    /// </summary>
    private static async Task<LeadRow?> WorkableAsync(SwitchboardDb db, Caller caller, string id, CancellationToken ct) =>
        await db.Leads.FirstOrDefaultAsync(l => l.Id == id, ct) is { } lead && (caller.RepId is not { } rep || lead.OwnerRepId == rep) ? lead : null;

    /// <summary>Writes a lifecycle step, or its refusal and nothing: the end every lead action shares.</summary>
    private static async Task<ActionOutcome> FinishAsync(SwitchboardDb db, RoutingTransaction tx, LeadMoves moves, LeadRow lead, Step step, DateTimeOffset now, CancellationToken ct)
    {
        if (await moves.ApplyAsync(db, lead, step, now, ct) is { } refused)
        {
            return refused.Kind == RefusalKind.NotFound ? ActionOutcome.NotFound(lead.Id) : new ActionOutcome(null, refused);
        }

        if (step.Changed)
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        return new ActionOutcome(lead, null);
    }
}
