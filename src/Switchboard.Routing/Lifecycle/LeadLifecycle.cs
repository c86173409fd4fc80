using System.Globalization;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;

namespace Switchboard.Routing.Lifecycle;

/// <summary>What a pool does with a lead unclaimed for <see cref="After"/>: <c>move</c> to <c>pool:ID</c> or <c>rep:ID</c>, <c>widen</c>, or only note it.</summary>
public sealed record PoolEscalation(string PoolId, TimeSpan After, string? Action, string? To, IReadOnlyList<string> WidenTo)
{
    public string? TargetKind => To?.Split(':', 2) is [var kind, _] ? kind : null;
    public string? TargetId => To?.Split(':', 2) is [_, var id] ? id : null;
}

/// <summary>Timeline notes that reports recognise.</summary>
public static class TimelineNotes
{
    public const string AcceptedOffer = "accepted the offer";
    public const string EscalatedToRep = ": assigned to ";
}

/// <summary>
/// Everything that moves a lead, as pure functions: each takes the lead as it is and returns the lead as
/// it becomes with its timeline lines, or a refusal with its reason. Who may see the lead, storage and
/// counting are the host's; whether the move is allowed, and what it changes, is decided here.
/// </summary>
public static class LeadLifecycle
{
    /// <summary>Activities that count as touching the lead (a note does not).</summary>
    public static readonly IReadOnlyList<string> Touches = ["call", "email", "meeting"];

    public static readonly IReadOnlyList<string> Activities = ["call", "email", "meeting", "note"];

    /// <summary>
    /// The one assignment path: whoever gives the lead to <paramref name="rep"/> — the flow, an accepted
    /// offer, a claim, a reassignment, an escalation — it is checked, owned, and its SLA clock started
    /// here. A rep acting themselves (accepting, claiming) must be active and under their and their
    /// teams' caps; a lead given by someone else also needs the rep available (status, hours, holidays).
    /// The flow's own choice was checked by the engine with the same rules. The host counts the assignment.
    /// </summary>
    public static Step Assign(LeadLife lead, RepState rep, IEnumerable<TeamState> teams, Handover how, SlaPolicy? sla, DateTimeOffset now)
    {
        if (how != Handover.Routed && Refusals(rep, teams, how, now) is { Count: > 0 } reasons)
        {
            return Step.Refuse(lead, RefusalKind.Conflict, $"{rep.Id} cannot take the lead now: {string.Join("; ", reasons)}");
        }

        var accepted = how is Handover.Accepted or Handover.Claimed;
        var owned = lead with
        {
            Status = how == Handover.Accepted ? LeadStatus.Accepted : LeadStatus.Assigned,
            OwnerRepId = rep.Id,
            AssignedAt = now,
            AcceptedAt = how == Handover.Accepted ? now : null,
            HeldSince = null,
            ClaimedFromPoolId = how == Handover.Claimed ? lead.PoolId : lead.ClaimedFromPoolId,
            PoolId = null,
            PooledAt = null,
            PoolEscalatedAt = null,
            OfferedRepIds = [],
            OfferExpiresAt = null,
        };
        return Step.Done(SlaClock.Start(owned, sla, rep.Rep, now, accepted));
    }

    /// <summary>Why the rep may not take a lead handed over <paramref name="how"/>; none means they may.</summary>
    public static IReadOnlyList<string> Refusals(RepState rep, IEnumerable<TeamState> teams, Handover how, DateTimeOffset now)
    {
        List<string> reasons;
        if (how is Handover.Accepted or Handover.Claimed)
        {
            reasons = rep.Rep.Active ? [] : ["inactive"]; // acting themselves, they are evidently at work
            reasons.AddRange(Eligibility.CapExclusions(rep.Rep.Caps, rep.Load));
        }
        else
        {
            reasons = [.. Eligibility.Check(rep, now).Reasons];
        }

        foreach (var team in teams)
        {
            if (rep.Rep.TeamIds.Contains(team.Id) && Eligibility.TeamExclusion(team) is { } full)
            {
                reasons.Add(full);
            }
        }

        return reasons;
    }

    /// <summary>The flow offered the lead to several reps (the first to accept gets it); the SLA waits for the accept.</summary>
    public static LeadLife Offer(LeadLife lead, IReadOnlyList<string> reps, TimeSpan window, SlaPolicy? sla, DateTimeOffset now) =>
        SlaClock.Hold(lead, sla) with
        {
            Status = LeadStatus.Offered,
            OwnerRepId = null,
            PoolId = null,
            HeldSince = null,
            OfferedRepIds = reps,
            OfferExpiresAt = now + window,
        };

    /// <summary>The flow put the lead in a pool for members to claim.</summary>
    public static LeadLife Pool(LeadLife lead, string poolId, DateTimeOffset now) =>
        SlaClock.Stop(lead) with { Status = LeadStatus.Pooled, PoolId = poolId, PooledAt = now, PoolEscalatedAt = null, HeldSince = null };

    /// <summary>Nobody may take the lead now: it waits, since when it first had to.</summary>
    public static LeadLife Hold(LeadLife lead, DateTimeOffset now) =>
        SlaClock.Stop(lead) with { Status = LeadStatus.Held, HeldSince = lead.HeldSince ?? now };

    /// <summary>
    /// The rep accepts: a lead pushed to them (within its accept deadline), or an offer still open to them
    /// (then it goes to the one assignment path; the others' offers are withdrawn). Accepting twice is a no-op.
    /// </summary>
    public static Step Accept(LeadLife lead, string repId, DateTimeOffset now)
    {
        switch (lead.Status)
        {
            case LeadStatus.Assigned when lead.OwnerRepId == repId && lead.AcceptDueAt <= now:
                return Step.Refuse(lead, RefusalKind.Conflict, $"the time to accept ran out at {Utc(lead.AcceptDueAt!.Value)}");
            case LeadStatus.Assigned when lead.OwnerRepId == repId:
                var accepted = lead with
                {
                    Status = LeadStatus.Accepted,
                    AcceptedAt = now,
                    AcceptDueAt = null,
                    RemindAt = lead.TouchDueAt is null ? null : lead.RemindAt,
                };
                return Step.Done(accepted, new LifeEvent("accepted", repId, repId));
            case LeadStatus.Offered when lead.OfferedRepIds.Contains(repId) && lead.OfferExpiresAt > now:
                var others = lead.OfferedRepIds.Where(r => r != repId).ToList();
                LifeEvent[] events = others.Count == 0
                    ? [new("accepted", repId, repId, TimelineNotes.AcceptedOffer)]
                    : [new("accepted", repId, repId, TimelineNotes.AcceptedOffer), new("offer_withdrawn", "system", null, $"{repId} accepted first; withdrawn from {string.Join(", ", others)}")];
                return Step.Done(lead, events) with { Then = Then.Assign, AssignTo = repId, Handover = Handover.Accepted };
            case LeadStatus.Accepted when lead.OwnerRepId == repId:
                return Step.Unchanged(lead); // a retried accept changes nothing
            case LeadStatus.Offered when lead.OfferedRepIds.Contains(repId):
                return Step.Refuse(lead, RefusalKind.Conflict, $"the offer expired at {Utc(lead.OfferExpiresAt!.Value)}");
            default:
                return Step.Refuse(lead, RefusalKind.Conflict, "it is no longer yours to accept");
        }
    }

    /// <summary>What is wrong with a decline before any lead is looked at: it needs a reason.</summary>
    public static Refusal? DeclineProblem(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? new Refusal(RefusalKind.Invalid, "required: say why, for the timeline and the manager", "reason") : null;

    /// <summary>
    /// The rep passes on an offer or a lead pushed to them, saying why. They are left out from then on;
    /// when nobody is left holding it, it is routed again.
    /// </summary>
    public static Step Decline(LeadLife lead, string repId, string? reason, DateTimeOffset now)
    {
        var offered = lead.Status == LeadStatus.Offered && lead.OfferedRepIds.Contains(repId);
        var owned = lead.Status == LeadStatus.Assigned && lead.OwnerRepId == repId;
        if (!(offered || owned))
        {
            return lead.OwnerRepId == repId || lead.ExcludedRepIds.Contains(repId)
                ? Step.Refuse(lead, RefusalKind.Conflict, "it can no longer be declined")
                : Step.Refuse(lead, RefusalKind.NotFound, "no such lead");
        }

        if (DeclineProblem(reason) is { } problem)
        {
            return Step.Refuse(lead, problem.Kind, problem.Reason, problem.Field);
        }

        var left = LeaveOut(lead, [repId]);
        var declined = new LifeEvent("declined", repId, repId, reason!.Trim());
        return owned || left.OfferedRepIds.Count == 0
            ? Step.Done(left with { OwnerRepId = null }, declined) with { Then = Then.Route } // nobody left holding it
            : Step.Done(left, declined);
    }

    /// <summary>What is wrong with an activity before any lead is looked at.</summary>
    public static Refusal? ActivityProblem(string? activity) =>
        activity is null || !Activities.Contains(activity) ? new Refusal(RefusalKind.Invalid, "one of " + string.Join(", ", Activities), "type") : null;

    /// <summary>Someone worked the lead: a call, email or meeting is its first touch (that clock stops); any activity restarts the untouched clock.</summary>
    public static Step Touch(LeadLife lead, string activity, string? note, string actor, DateTimeOffset now)
    {
        if (ActivityProblem(activity) is { } problem)
        {
            return Step.Refuse(lead, problem.Kind, problem.Reason, problem.Field);
        }

        var touched = lead with { LastActivityAt = now };
        if (Touches.Contains(activity) && lead.FirstTouchAt is null)
        {
            touched = touched with { FirstTouchAt = now, TouchDueAt = null };
        }

        return Step.Done(SlaClock.Touched(touched, now), new LifeEvent("activity", actor, lead.OwnerRepId, note is { Length: > 0 } ? $"{activity}: {note}" : activity));
    }

    /// <summary>What is wrong with a status change before any lead is looked at.</summary>
    public static Refusal? StatusChangeProblem(string? status, decimal? value, string? reason)
    {
        if (!LeadStatuses.TryParse(status, out var to) || !LeadStatuses.Work.Contains(to))
        {
            return new Refusal(RefusalKind.Invalid, LeadStatuses.OneOf(LeadStatuses.Work), "status");
        }

        if (to == LeadStatus.Won && value is not > 0)
        {
            return new Refusal(RefusalKind.Invalid, "required when won: the deal's value, more than 0", "value");
        }

        return to == LeadStatus.Lost && string.IsNullOrWhiteSpace(reason) ? new Refusal(RefusalKind.Invalid, "required when lost", "reason") : null;
    }

    /// <summary>
    /// The owner (or their manager) moves the lead on: contacted … proposal count as a first touch; won
    /// (with its value), lost (with a reason) and recycled (back for routing later, without an owner) stop its clocks.
    /// </summary>
    public static Step ChangeStatus(LeadLife lead, string? status, decimal? value, string? reason, string actor, DateTimeOffset now)
    {
        if (StatusChangeProblem(status, value, reason) is { } problem)
        {
            return Step.Refuse(lead, problem.Kind, problem.Reason, problem.Field);
        }

        var to = LeadStatuses.Parse(status!);

        if (lead.OwnerRepId is null || lead.Status.AwaitsOwner())
        {
            return Step.Refuse(lead, RefusalKind.Conflict, $"it is {lead.Status.Name()}; it is worked once someone owns it");
        }

        var moved = lead with { Status = to, LastActivityAt = now };
        if (to.MeansTouched() && lead.FirstTouchAt is null)
        {
            moved = moved with { FirstTouchAt = now, TouchDueAt = null };
        }

        moved = SlaClock.Touched(moved, now);
        if (to.EndsWork())
        {
            moved = SlaClock.Stop(moved);
        }

        moved = to switch
        {
            LeadStatus.Won => moved with { Value = value },
            LeadStatus.Lost => moved with { LostReason = reason!.Trim() },
            LeadStatus.Recycled => moved with { OwnerRepId = null }, // the history stays on the timeline
            _ => moved,
        };
        var detail = to switch
        {
            LeadStatus.Won => $" (value {value?.ToString(CultureInfo.InvariantCulture)})",
            LeadStatus.Lost or LeadStatus.Recycled when reason is { Length: > 0 } why => $" ({why.Trim()})",
            _ => "",
        };
        return Step.Done(moved, new LifeEvent("status_changed", actor, moved.OwnerRepId, $"{lead.Status.Name()} → {to.Name()}{detail}"));
    }

    /// <summary>
    /// Takes the lead from whoever holds it (owner, or everyone it is offered to), who are left out from
    /// then on: to a named rep through the one assignment path, or through the flow again.
    /// </summary>
    public static Step Reassign(LeadLife lead, string? toRepId, string actor, string reason, DateTimeOffset now)
    {
        IReadOnlyList<string> holders = lead.OwnerRepId is { } from ? [from] : lead.OfferedRepIds;
        var left = LeaveOut(lead, holders) with { OwnerRepId = null, AcceptedAt = null };
        var fromText = holders.Count == 0 ? "" : $" from {string.Join(", ", holders)}";
        if (toRepId is not null)
        {
            return Step.Done(left, new LifeEvent("reassigned", actor, toRepId, $"{reason}:{fromText} to {toRepId}"))
                with { Then = Then.Assign, AssignTo = toRepId, Handover = Handover.Reassigned };
        }

        var without = holders.Count == 0 ? "them" : string.Join(", ", left.ExcludedRepIds);
        return Step.Done(left, new LifeEvent("reassigned", actor, null, $"{reason}:{fromText}; routing it again without {without}"))
            with { Then = Then.Route, PassedOn = reason + fromText };
    }

    /// <summary>Back to a pool for someone else to claim; the owner is left out of later routing.</summary>
    public static Step ToPool(LeadLife lead, string poolId, string note, DateTimeOffset now)
    {
        var excluded = lead.OwnerRepId is { } owner ? [.. lead.ExcludedRepIds.Union([owner])] : lead.ExcludedRepIds;
        var pooled = Pool(lead, poolId, now) with { OwnerRepId = null, ExcludedRepIds = excluded };
        return Step.Done(pooled, new LifeEvent("pooled", "system", null, note));
    }

    /// <summary>A rep claims the lead from the pool it waits in: the one assignment path, as a claim.</summary>
    public static Step Claim(LeadLife lead, string poolId, string poolName, string poolMode, string repId)
    {
        if (lead.Status != LeadStatus.Pooled || lead.PoolId != poolId)
        {
            return Step.Refuse(lead, RefusalKind.Conflict, "someone else claimed it first");
        }

        return Step.Done(lead, new LifeEvent("claimed", repId, repId, $"claimed from pool '{poolName}' ({poolId}, {poolMode})"))
            with { Then = Then.Assign, AssignTo = repId, Handover = Handover.Claimed };
    }

    /// <summary>The offer's window passed with nobody accepting: those it was offered to are left out and it is offered on.</summary>
    public static Step ExpireOffer(LeadLife lead, DateTimeOffset now)
    {
        if (lead.Status != LeadStatus.Offered || lead.OfferExpiresAt > now)
        {
            return Step.Unchanged(lead); // accepted or declined meanwhile, or handled by another instance
        }

        var lapsed = lead.OfferedRepIds;
        return Step.Done(LeaveOut(lead, lapsed), new LifeEvent("offer_expired", "system", null, $"nobody accepted in time ({string.Join(", ", lapsed)}); offering it on without them"))
            with { Then = Then.Route };
    }

    /// <summary>
    /// An SLA deadline passed: the breach is on the timeline, the clocks stop (so it is handled once), and
    /// the SLA's action follows — route again without the owner, back to a pool, or tell the managers.
    /// </summary>
    public static Step Breach(LeadLife lead, IReadOnlyList<string> managers, DateTimeOffset now)
    {
        if (SlaClock.Breach(lead, now) is not { } breach)
        {
            return Step.Unchanged(lead); // met meanwhile, or handled by another instance
        }

        var stopped = SlaClock.Stop(lead);
        var breached = new LifeEvent("sla_breached", "system", breach.Owner, $"{breach.What} ({breach.Owner})");
        switch (breach)
        {
            case PoolOnBreach pool:
                var pooled = ToPool(stopped, pool.PoolId, $"SLA breached: back to pool '{pool.PoolId}'", now);
                return pooled with { Events = [breached, .. pooled.Events] };
            case EscalateOnBreach:
                var note = managers.Count == 0
                    ? $"SLA breached by {breach.Owner}; their teams have no manager to escalate to"
                    : $"SLA breached by {breach.Owner}: escalated to {string.Join(", ", managers)}";
                return Step.Done(stopped, breached, new LifeEvent("escalated", "system", managers.Count > 0 ? managers[0] : null, note));
            default:
                var moved = Reassign(stopped, null, "system", "SLA breached", now);
                return moved with { Events = [breached, .. moved.Events] };
        }
    }

    /// <summary>
    /// A lead nobody works: the owner is reminded after <c>untouchedAfter</c>, their managers after
    /// <c>managerAfter</c>, and after <c>recycleAfter</c> it goes back to a pool.
    /// </summary>
    public static Step FollowUp(LeadLife lead, IReadOnlyList<string> managers, DateTimeOffset now)
    {
        if (lead is not { StaleCheckAt: { } check, OwnerRepId: { } owner } || check > now || lead.Sla is not { UntouchedAfter: { } untouched } sla)
        {
            return Step.Unchanged(lead);
        }

        var since = lead.LastActivityAt ?? lead.AssignedAt ?? lead.CreatedAt;
        switch (lead.StaleStage)
        {
            case 0:
                var next = sla.ManagerAfter is { } m ? since + m : sla.RecycleAfter is { } r ? since + r : (DateTimeOffset?)null;
                return Step.Done(lead with { StaleStage = 1, StaleCheckAt = next }, new LifeEvent("reminder", "system", owner, $"no activity for {Durations.Format(untouched)} (since {Utc(since)})"));
            case 1 when sla.ManagerAfter is { } managerAfter && now - since < (sla.RecycleAfter ?? TimeSpan.MaxValue):
                var told = managers.Count == 0 ? [null] : managers.Select(x => (string?)x).ToList();
                var events = told.Select(manager => new LifeEvent("reminder", "system", manager, $"{owner}'s lead has had no activity for {Durations.Format(managerAfter)} (manager: {manager ?? "none"})")).ToArray();
                return Step.Done(lead with { StaleStage = 2, StaleCheckAt = sla.RecycleAfter is { } recycle ? since + recycle : null }, events);
            default:
                return sla.RecycleTo is { } pool
                    ? ToPool(lead, pool, $"no activity since {Utc(since)}: recycled from {owner} to pool '{pool}'", now)
                    : Step.Done(lead with { StaleCheckAt = null });
        }
    }

    /// <summary>
    /// A lead waited in its pool longer than the pool allows: it moves to another pool, goes to a named
    /// rep (the one assignment path), is widened to more members, or only noted — once per stay.
    /// </summary>
    public static Step EscalateFromPool(LeadLife lead, PoolEscalation pool, DateTimeOffset now)
    {
        if (lead.Status != LeadStatus.Pooled || lead.PoolId != pool.PoolId || lead.PoolEscalatedAt is not null || lead.PooledAt > now - pool.After)
        {
            return Step.Unchanged(lead); // claimed, moved or escalated meanwhile
        }

        var waited = $"unclaimed in pool '{pool.PoolId}' for {Durations.Format(pool.After)}";
        switch (pool.Action, pool.TargetKind)
        {
            case ("move", "pool"):
                return Step.Done(lead with { PoolId = pool.TargetId, PooledAt = now }, new LifeEvent("escalated", "system", null, $"{waited}: moved to pool '{pool.TargetId}'"));
            case ("move", "rep"):
                return Step.Done(lead, new LifeEvent("escalated", "system", pool.TargetId, $"{waited}{TimelineNotes.EscalatedToRep}{pool.TargetId}"))
                    with { Then = Then.Assign, AssignTo = pool.TargetId, Handover = Handover.Escalated };
            case ("widen", _):
                return Step.Done(lead with { PoolEscalatedAt = now }, new LifeEvent("escalated", "system", null, $"{waited}: now also offered to {string.Join(", ", pool.WidenTo)}"));
            default:
                return Step.Done(lead with { PoolEscalatedAt = now }, new LifeEvent("escalated", "system", null, waited));
        }
    }

    /// <summary>The named rep could not take the escalated lead: it stays in the pool, escalated, saying why.</summary>
    public static Step EscalationRefused(LeadLife lead, PoolEscalation pool, Refusal refusal, DateTimeOffset now) =>
        Step.Done(lead with { PoolEscalatedAt = now }, new LifeEvent(
            "escalated", "system", null, $"unclaimed in pool '{pool.PoolId}' for {Durations.Format(pool.After)}; not moved to {pool.TargetId}: {refusal.Reason}"));

    /// <summary>Withdraws the offer from <paramref name="reps"/> and leaves them out when the lead is routed again.</summary>
    public static LeadLife LeaveOut(LeadLife lead, IEnumerable<string> reps)
    {
        var passing = reps.ToList();
        var offered = lead.OfferedRepIds.Except(passing).ToList();
        return lead with
        {
            ExcludedRepIds = [.. lead.ExcludedRepIds.Union(passing)],
            OfferedRepIds = offered,
            OfferExpiresAt = offered.Count == 0 ? null : lead.OfferExpiresAt,
        };
    }

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("u", CultureInfo.InvariantCulture);
}
