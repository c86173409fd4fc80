using Switchboard.Routing.Lifecycle;
using Switchboard.Storage;

namespace Switchboard.Distribution;

/// <summary>
/// Writes a lifecycle <see cref="Step"/> onto a stored lead in the caller's routing transaction: a step
/// that gives the lead to a rep goes through the routing batch's one assignment path (checked against the
/// snapshot's caps and calendars, counted with the flow's own assignments); a step that passes the lead
/// on routes it again. The caller saves and commits.
/// </summary>
public sealed class LeadMoves(LeadRouting routing)
{
    /// <summary>Applies <paramref name="step"/>; returns its refusal (or the assignment's) and then changes nothing.</summary>
    public async Task<Refusal?> ApplyAsync(SwitchboardDb db, LeadRow lead, Step step, DateTimeOffset now, CancellationToken ct)
    {
        if (step.Refused is { } refused)
        {
            return refused;
        }

        if (!step.Changed)
        {
            return null;
        }

        var life = step.Lead;
        if (step.Then == Then.Assign)
        {
            var batch = await routing.BeginAsync(db, now, ct);
            var given = batch.Give(life, step.AssignTo!, step.Handover, life.Sla ?? batch.SlaFor(teamId: null, step.AssignTo), now);
            if (given.Refused is { } no)
            {
                return no;
            }

            life = given.Lead;
        }

        lead.Apply(life, now);
        foreach (var e in step.Events)
        {
            db.LeadEvents.Add(new LeadEventRow { LeadId = lead.Id, Type = e.Type, At = now, Actor = e.Actor, RepId = e.RepId, Note = e.Note });
        }

        if (step.Then == Then.Route)
        {
            await routing.RouteAsync(db, lead, "system", now, ct, passedOn: step.PassedOn);
        }

        return null;
    }

    /// <summary>
    /// What the flow would decide for the lead now — its rule, the candidates with their reasons — for a
    /// person picking the rep by hand; null when the lead matches no rule with reps to weigh.
    /// </summary>
    public async Task<Routing.RoutingDecision?> WeighAsync(SwitchboardDb db, LeadRow lead, DateTimeOffset now, CancellationToken ct) =>
        (await routing.DecideAsync(db, lead, flowVersion: null, now, ct))?.Decision;
}
