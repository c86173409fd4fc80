using System.Globalization;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;

namespace Switchboard.Routing.Lifecycle;

/// <summary>A deadline that passed, and what the lead's SLA says to do about it.</summary>
public abstract record SlaBreach(string Owner, DateTimeOffset Deadline, string What);

/// <summary>Take it from the owner and route it again without anyone who held it (the default).</summary>
public sealed record ReassignOnBreach(string Owner, DateTimeOffset Deadline, string What) : SlaBreach(Owner, Deadline, What);

/// <summary>Put it back in a pool for someone else to claim.</summary>
public sealed record PoolOnBreach(string Owner, DateTimeOffset Deadline, string What, string PoolId) : SlaBreach(Owner, Deadline, What);

/// <summary>Leave it with the owner and tell their teams' managers.</summary>
public sealed record EscalateOnBreach(string Owner, DateTimeOffset Deadline, string What) : SlaBreach(Owner, Deadline, What);

/// <summary>Starting, stopping and reading a lead's SLA clocks: pure, on <see cref="LeadLife"/> values.</summary>
public static class SlaClock
{
    /// <summary>
    /// The clocks for a new owner: accept by (unless <paramref name="accepted"/>), first touch by (unless
    /// touched already), and a reminder before the first deadline; counted in the rep's working hours
    /// when the SLA says so.
    /// </summary>
    public static LeadLife Start(LeadLife lead, SlaPolicy? sla, Rep rep, DateTimeOffset now, bool accepted)
    {
        var acceptDue = sla?.AcceptWithin is { } accept && !accepted ? sla.Due(now, accept, rep) : (DateTimeOffset?)null;
        var touchDue = sla?.FirstTouchWithin is { } touch && lead.FirstTouchAt is null ? sla.Due(now, touch, rep) : (DateTimeOffset?)null;
        var remind = sla?.RemindBefore is { } before && (acceptDue ?? touchDue) is { } first ? first - before : (DateTimeOffset?)null;
        return Touched(lead with { Sla = sla, AcceptDueAt = acceptDue, TouchDueAt = touchDue, RemindAt = remind }, now);
    }

    /// <summary>Something happened on the lead: the untouched-lead clock starts again.</summary>
    public static LeadLife Touched(LeadLife lead, DateTimeOffset now) =>
        lead with { StaleStage = 0, StaleCheckAt = lead.Sla?.UntouchedAfter is { } after ? now + after : null };

    /// <summary>Keeps the policy for a later start (an offer starts it on accept), with no clock running.</summary>
    public static LeadLife Hold(LeadLife lead, SlaPolicy? sla) => Stop(lead with { Sla = sla });

    public static LeadLife Stop(LeadLife lead) => lead with { AcceptDueAt = null, TouchDueAt = null, RemindAt = null, StaleCheckAt = null };

    /// <summary>The deadline that passed at <paramref name="now"/> (accept first, then first touch), as the SLA's action; null when none did.</summary>
    public static SlaBreach? Breach(LeadLife lead, DateTimeOffset now)
    {
        if (lead.OwnerRepId is not { } owner)
        {
            return null;
        }

        var (deadline, what) = lead switch
        {
            { AcceptDueAt: { } a } when a <= now => (a, "not accepted by " + Clock(a)),
            { TouchDueAt: { } t } when t <= now => (t, "not touched by " + Clock(t)),
            _ => (default(DateTimeOffset?), ""),
        };
        if (deadline is not { } due)
        {
            return null;
        }

        return lead.Sla?.OnBreach switch
        {
            { } target when target.StartsWith("pool:", StringComparison.Ordinal) => new PoolOnBreach(owner, due, what, target["pool:".Length..]),
            "escalate" => new EscalateOnBreach(owner, due, what),
            _ => new ReassignOnBreach(owner, due, what),
        };
    }

    private static string Clock(DateTimeOffset at) => at.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
