using System.Text.Json;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;
using Switchboard.Storage;

namespace Switchboard.Work;

/// <summary>Starting and stopping a lead's SLA clocks; the lead clock acts on them.</summary>
public static class LeadSla
{
    /// <summary>
    /// Starts the clocks for a new owner: accept by (unless <paramref name="accepted"/>), first touch by, and
    /// a reminder before the first deadline. Counted in the rep's working hours when the SLA says so.
    /// </summary>
    public static void Start(LeadRow lead, SlaPolicy? sla, Rep rep, DateTimeOffset now, bool accepted)
    {
        lead.SlaJson = sla is null ? null : JsonSerializer.Serialize(sla, Json.Options);
        lead.AcceptDueAt = sla?.AcceptWithin is { } accept && !accepted ? sla.Due(now, accept, rep) : null;
        lead.TouchDueAt = sla?.FirstTouchWithin is { } touch && lead.FirstTouchAt is null ? sla.Due(now, touch, rep) : null;
        lead.RemindAt = sla?.RemindBefore is { } before && (lead.AcceptDueAt ?? lead.TouchDueAt) is { } first ? first - before : null;
        Touched(lead, sla, now);
    }

    /// <summary>Something happened on the lead: the untouched-lead clock starts again.</summary>
    public static void Touched(LeadRow lead, SlaPolicy? sla, DateTimeOffset now)
    {
        lead.StaleStage = 0;
        lead.StaleCheckAt = sla?.UntouchedAfter is { } after ? now + after : null;
    }

    /// <summary>Keeps the policy for a later start (an offer starts it on accept), with no clock running.</summary>
    public static void Hold(LeadRow lead, SlaPolicy? sla)
    {
        lead.SlaJson = sla is null ? null : JsonSerializer.Serialize(sla, Json.Options);
        Stop(lead);
    }

    public static void Stop(LeadRow lead)
    {
        lead.AcceptDueAt = null;
        lead.TouchDueAt = null;
        lead.RemindAt = null;
        lead.StaleCheckAt = null;
    }

    public static SlaPolicy? Of(LeadRow lead) => lead.SlaJson is null ? null : JsonSerializer.Deserialize<SlaPolicy>(lead.SlaJson, Json.Options);
}
