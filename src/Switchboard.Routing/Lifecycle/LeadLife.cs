using Switchboard.Routing.Flows;

namespace Switchboard.Routing.Lifecycle;

/// <summary>
/// The part of a lead its lifecycle moves: status, who holds or is offered it, its pool, its SLA and
/// running deadlines. The host maps its stored lead to and from this; transitions never touch storage.
/// </summary>
public sealed record LeadLife
{
    public required LeadStatus Status { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public string? OwnerRepId { get; init; }
    public DateTimeOffset? AssignedAt { get; init; }
    public DateTimeOffset? AcceptedAt { get; init; }
    public DateTimeOffset? HeldSince { get; init; }

    public string? PoolId { get; init; }
    public DateTimeOffset? PooledAt { get; init; }
    public DateTimeOffset? PoolEscalatedAt { get; init; }
    public string? ClaimedFromPoolId { get; init; }

    /// <summary>While offered: who may accept it, until when.</summary>
    public IReadOnlyList<string> OfferedRepIds { get; init; } = [];
    public DateTimeOffset? OfferExpiresAt { get; init; }

    /// <summary>Reps who passed the lead on (declined, let an offer lapse, breached, had it taken away); routing leaves them out.</summary>
    public IReadOnlyList<string> ExcludedRepIds { get; init; } = [];

    public DateTimeOffset? FirstTouchAt { get; init; }
    public DateTimeOffset? LastActivityAt { get; init; }

    /// <summary>The SLA the owner works under (kept while offered, started on accept), and its clocks.</summary>
    public SlaPolicy? Sla { get; init; }
    public DateTimeOffset? AcceptDueAt { get; init; }
    public DateTimeOffset? TouchDueAt { get; init; }
    public DateTimeOffset? RemindAt { get; init; }

    /// <summary>When to look again at a lead nobody works, and how far that has gone: 0 none yet, 1 owner reminded, 2 manager told.</summary>
    public DateTimeOffset? StaleCheckAt { get; init; }
    public int StaleStage { get; init; }

    /// <summary>The deal's value when won; why it was lost.</summary>
    public decimal? Value { get; init; }
    public string? LostReason { get; init; }
}

/// <summary>A line a transition adds to the lead's timeline, at the transition's time.</summary>
public sealed record LifeEvent(string Type, string Actor, string? RepId = null, string? Note = null);

/// <summary>How a lead came to its owner; decides what the one assignment path checks and what the SLA starts with.</summary>
public enum Handover
{
    /// <summary>The flow chose the rep (the engine already checked eligibility, with the same rules).</summary>
    Routed,

    /// <summary>The rep accepted an offer.</summary>
    Accepted,

    /// <summary>The rep claimed it from a pool.</summary>
    Claimed,

    /// <summary>A manager or admin moved it to a named rep.</summary>
    Reassigned,

    /// <summary>A pool's escalation moved it to a named rep.</summary>
    Escalated,
}

public enum RefusalKind
{
    /// <summary>The caller may not see the lead: answered as if it did not exist.</summary>
    NotFound,

    /// <summary>The lead is not in a state that allows it (now).</summary>
    Conflict,

    /// <summary>A field of the request is wrong.</summary>
    Invalid,
}

/// <summary>Why a transition did not happen, for a person: the kind decides the HTTP status, <see cref="Field"/> names a bad input.</summary>
public sealed record Refusal(RefusalKind Kind, string Reason, string? Field = null);

/// <summary>What the host does after a transition: nothing more, route the lead again, or give it to a rep.</summary>
public enum Then
{
    Nothing,
    Route,
    Assign,
}

/// <summary>
/// A transition's result: the lead after it and its timeline lines, or a refusal (then the lead is as it
/// was). <see cref="Then"/> says what follows: routing again (with <see cref="PassedOn"/> saying why) or
/// the one assignment path to <see cref="AssignTo"/>.
/// </summary>
public sealed record Step
{
    public required LeadLife Lead { get; init; }
    public IReadOnlyList<LifeEvent> Events { get; init; } = [];
    public Refusal? Refused { get; init; }
    public Then Then { get; init; }
    public string? AssignTo { get; init; }
    public Handover Handover { get; init; }
    public string? PassedOn { get; init; }

    /// <summary>Whether there is anything to write (a refused or idle step writes nothing).</summary>
    public bool Changed { get; private init; }

    public static Step Done(LeadLife lead, params LifeEvent[] events) => new() { Lead = lead, Events = events, Changed = true };

    public static Step Unchanged(LeadLife lead) => new() { Lead = lead };

    public static Step Refuse(LeadLife lead, RefusalKind kind, string reason, string? field = null) => new() { Lead = lead, Refused = new Refusal(kind, reason, field) };
}
