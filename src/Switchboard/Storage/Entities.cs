using Switchboard.Routing.Lifecycle;
namespace Switchboard.Storage;

// Rows as stored. Timestamps are always UTC (PostgreSQL timestamptz requires it; SQLite stores ticks).

/// <summary>
/// A person who signs in to the app (ASP.NET Core Identity's user, email as user name): an admin, a
/// manager of some teams, or a rep bound to one rep record — the same roles and reach as API keys.
/// </summary>
public sealed class UserRow : Microsoft.AspNetCore.Identity.IdentityUser
{
    public string Role { get; set; } = "rep";
    public string? RepId { get; set; }
    public string[] TeamIds { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }
}

public sealed class ApiKeyRow
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public required string Role { get; set; }
    public string? RepId { get; set; }
    public string[] TeamIds { get; set; } = [];

    /// <summary>SHA-256 of the key; the key itself is shown once and never stored.</summary>
    public required string KeyHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

public sealed class TeamRow
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public string? ManagerRepId { get; set; }

    /// <summary>
    /// Caps on what the team's members receive together per hour/day/week/month, each member's
    /// assignments counted in their own time zone (the rep counters), so no separate team counter exists.
    /// </summary>
    public int? CapPerHour { get; set; }
    public int? CapPerDay { get; set; }
    public int? CapPerWeek { get; set; }
    public int? CapPerMonth { get; set; }

    /// <summary>Days off for every member, as yyyy-MM-dd in each member's own time zone.</summary>
    public string[] Holidays { get; set; } = [];

    /// <summary>The team's default SLA (a flow SLA document as JSON) for leads whose rule has none.</summary>
    public string? SlaJson { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A region's public holidays; reps name their region in <c>holidayRegion</c>.</summary>
public sealed class HolidayCalendarRow
{
    public required string Region { get; set; }
    public string? Name { get; set; }
    public string[] Dates { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class RepRow
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public string? Email { get; set; }
    public string[] TeamIds { get; set; } = [];
    public string[] Skills { get; set; } = [];
    public string[] Languages { get; set; } = [];
    public string[] Territories { get; set; } = [];
    public int Weight { get; set; } = 1;
    public string? Seniority { get; set; }
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The holiday calendar (region) the rep follows, e.g. DE-BY.</summary>
    public string? HolidayRegion { get; set; }

    /// <summary>JSON: {"mon":[["09:00","17:30"]], ...}.</summary>
    public string? WorkingHoursJson { get; set; }
    public int? CapPerHour { get; set; }
    public int? CapPerDay { get; set; }
    public int? CapPerWeek { get; set; }
    public int? CapPerMonth { get; set; }
    public int? CapMaxOpen { get; set; }
    public string Status { get; set; } = "available";
    public DateTimeOffset? AwayUntil { get; set; }
    public bool Active { get; set; } = true;
    public DateTimeOffset? LastAssignedAt { get; set; }

    /// <summary>
    /// Leads the rep holds in an open status, moved by every save that changes a lead's owner or status
    /// (see <see cref="RoutingInputs"/>), so routing reads a column instead of counting open leads.
    /// </summary>
    public int OpenLeads { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// One row: a number every change to what routing reads (reps, teams, pools, calendars, flows, strategy
/// state, counters, open leads) moves on, in the same transaction, so each instance knows whether its
/// routing snapshot is still the database's.
/// </summary>
public sealed class RoutingVersionRow
{
    public int Id { get; set; }
    public long Version { get; set; }
}

/// <summary>A website form that may post leads to <c>/forms/{Key}</c>.</summary>
public sealed class FormRow
{
    public required string Key { get; set; }
    public required string Name { get; set; }

    /// <summary>The source tag every lead from this form carries.</summary>
    public string? Source { get; set; }

    /// <summary>JSON {"form field": "lead field"}; fields not mapped and not named like a lead field go to attributes.</summary>
    public string? FieldMapJson { get; set; }
    public string? ThankYouUrl { get; set; }

    /// <summary>A field humans never see; a bot that fills it is thanked and ignored.</summary>
    public string? HoneypotField { get; set; }

    /// <summary>Origins (https://www.example.com) whose pages may post cross-origin (CORS).</summary>
    public string[] AllowedOrigins { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A version of the intake rules (disqualification, scoring, MQL), kept as written, like flows.</summary>
public sealed class IntakeRulesRow
{
    public int Version { get; set; }
    public required string Document { get; set; }
    public required string Format { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedByKeyId { get; set; }
}

public sealed class FlowVersionRow
{
    public int Version { get; set; }
    public required string Document { get; set; }

    /// <summary><c>yaml</c> or <c>json</c>: the document is kept as the admin wrote it.</summary>
    public required string Format { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedByKeyId { get; set; }
}

public sealed class LeadRow
{
    /// <summary>A copy to capture, so a capture that is rolled back and tried again starts from the lead as sent.</summary>
    public LeadRow Copy() => (LeadRow)MemberwiseClone();

    public required string Id { get; set; }
    public string? ExternalId { get; set; }
    public string? Source { get; set; }

    /// <summary>How the lead reached us: api, form, import (set by the channel, not the caller).</summary>
    public string? Channel { get; set; }
    public string? Campaign { get; set; }
    public string? UtmSource { get; set; }
    public string? UtmMedium { get; set; }
    public string? UtmCampaign { get; set; }
    public string? UtmTerm { get; set; }
    public string? UtmContent { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string? Title { get; set; }
    public string? CompanyName { get; set; }
    public string? CompanyDomain { get; set; }

    /// <summary>The account the lead was matched to on arrival (by domain or company name), if any.</summary>
    public string? AccountId { get; set; }

    /// <summary>The company name reduced for matching (lower case, no legal form): see Normalize.CompanyKey.</summary>
    public string? CompanyKey { get; set; }
    public int? CompanyEmployees { get; set; }
    public string? CompanyIndustry { get; set; }
    public decimal? CompanyAnnualRevenue { get; set; }
    public string? Country { get; set; }
    public string? Region { get; set; }
    public string? City { get; set; }
    public string? PostalCode { get; set; }
    public string? Language { get; set; }
    public string? ProductInterest { get; set; }
    public decimal? Value { get; set; }
    public int? Score { get; set; }

    /// <summary>The fit grade from the intake rules' scoring (A, B, ...), with the reasons for the score as JSON.</summary>
    public string? Grade { get; set; }
    public string? ScoreReasonsJson { get; set; }

    /// <summary>Why intake disqualified the lead; null unless its status is disqualified.</summary>
    public string? DisqualifiedReason { get; set; }

    /// <summary>JSON object of custom attributes (scalar values).</summary>
    public string? AttributesJson { get; set; }
    public required LeadStatus Status { get; set; }
    public string? OwnerRepId { get; set; }
    public string? PoolId { get; set; }
    public string? CreatedByKeyId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? AssignedAt { get; set; }

    /// <summary>Since when the lead has been held; null unless its status is held. Retries go by arrival.</summary>
    public DateTimeOffset? HeldSince { get; set; }

    /// <summary>Since when the lead has waited in its pool (its age there); null unless its status is pooled.</summary>
    public DateTimeOffset? PooledAt { get; set; }

    /// <summary>When the pool escalated the unclaimed lead (once per stay in the pool).</summary>
    public DateTimeOffset? PoolEscalatedAt { get; set; }

    /// <summary>The pool the owner claimed the lead from, if they claimed it.</summary>
    public string? ClaimedFromPoolId { get; set; }

    /// <summary>While the lead is offered: who may accept it, until when.</summary>
    public string[] OfferedRepIds { get; set; } = [];
    public DateTimeOffset? OfferExpiresAt { get; set; }

    /// <summary>Reps who declined the lead or let an offer of it expire; routing leaves them out.</summary>
    public string[] ExcludedRepIds { get; set; } = [];

    /// <summary>When the owner accepted, first touched it (call, email, meeting), last did anything with it.</summary>
    public DateTimeOffset? AcceptedAt { get; set; }
    public DateTimeOffset? FirstTouchAt { get; set; }
    public DateTimeOffset? LastActivityAt { get; set; }

    /// <summary>The customer's feedback score (0-10) and why the lead was lost.</summary>
    public int? FeedbackScore { get; set; }
    public string? LostReason { get; set; }

    /// <summary>The SLA of the rule that assigned the lead (JSON), its running deadlines, and when to remind the owner.</summary>
    public string? SlaJson { get; set; }
    public DateTimeOffset? AcceptDueAt { get; set; }
    public DateTimeOffset? TouchDueAt { get; set; }
    public DateTimeOffset? RemindAt { get; set; }

    /// <summary>When to look again at a lead nobody works (untouched reminders), and how far it has gone: 0 none yet, 1 owner reminded, 2 manager told.</summary>
    public DateTimeOffset? StaleCheckAt { get; set; }
    public int StaleStage { get; set; }
}

/// <summary>
/// A pool reps claim leads from. Members are teams and reps; a condition (over the lead) says which leads
/// the pool takes, so a West-coast pool with West-coast members shows West-coast leads only to them.
/// </summary>
public sealed class PoolRow
{
    public required string Id { get; set; }
    public required string Name { get; set; }

    /// <summary>cherry-pick (members see the visible fields) or blind (nothing that identifies or qualifies the lead).</summary>
    public required string Mode { get; set; }
    public string[] MemberTeamIds { get; set; } = [];
    public string[] MemberRepIds { get; set; } = [];
    public string[] VisibleFields { get; set; } = [];
    public string? Condition { get; set; }

    /// <summary>Claim limits per rep: open leads they may hold, claims per day (their own day).</summary>
    public int? ClaimMaxOpen { get; set; }
    public int? ClaimPerDay { get; set; }

    /// <summary>After how long an unclaimed lead escalates, and how: notify, widen (to the widen members) or move (to EscalateTo).</summary>
    public string? EscalateAfter { get; set; }
    public string? EscalateAction { get; set; }
    public string[] WidenTeamIds { get; set; } = [];
    public string[] WidenRepIds { get; set; } = [];
    public string? EscalateTo { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>That a rep saw a lead in a pool listing; when is on the lead's timeline ("seen").</summary>
public sealed class LeadSightingRow
{
    public required string LeadId { get; set; }
    public required string RepId { get; set; }
}

/// <summary>A company the sales team works, with its owner: leads from it are matched to it on arrival.</summary>
public sealed class AccountRow
{
    public required string Id { get; set; }
    public required string Name { get; set; }

    /// <summary>Normalize.CompanyKey of the name, and its first three characters (the fuzzy match's candidates).</summary>
    public string? NameKey { get; set; }
    public string? NameBlock { get; set; }
    public string? OwnerRepId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A web domain of an account; a domain belongs to one account.</summary>
public sealed class AccountDomainRow
{
    public required string Domain { get; set; }
    public required string AccountId { get; set; }
}

public sealed class DecisionRow
{
    public long Id { get; set; }
    public required string LeadId { get; set; }
    public int FlowVersion { get; set; }
    public required string Kind { get; set; }
    public required string Rule { get; set; }
    public string? RepId { get; set; }
    public string? PoolId { get; set; }

    /// <summary>The whole decision trace as JSON, exactly as the API shows it.</summary>
    public required string TraceJson { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>The strategy and explanation of a decision made in this unit of work, for its events; not stored apart from the trace.</summary>
    [System.ComponentModel.DataAnnotations.Schema.NotMapped]
    public (string? Strategy, string Explanation)? Summary { get; set; }
}


/// <summary>
/// Timeline notes that also mark what happened, for reports: a rep given a lead by accepting an offer,
/// or by a pool's escalation.
/// </summary>
public sealed class LeadEventRow
{
    public long Id { get; set; }
    public required string LeadId { get; set; }
    public required string Type { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>Who did it: an API key name, a rep id, or <c>system</c>.</summary>
    public required string Actor { get; set; }
    public string? RepId { get; set; }
    public string? Note { get; set; }
}

/// <summary>
/// The transactional outbox: an event written in the same transaction as the change it tells of, so a
/// rolled-back change never announces itself and a committed one always does. Body is the delivered JSON.
/// </summary>
public sealed class OutboxRow
{
    public long Id { get; set; }

    /// <summary>The stable event id (<c>webhook-id</c>), the same on every delivery attempt.</summary>
    public required string EventId { get; set; }
    public required string Type { get; set; }
    public required string LeadId { get; set; }
    public string? RepId { get; set; }
    public required string Body { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When deliveries were made for every matching subscription; null until then.</summary>
    public DateTimeOffset? FannedOutAt { get; set; }

    /// <summary>The email to the rep: when it was sent (or found not wanted), attempts so far, when to try again.</summary>
    public DateTimeOffset? EmailedAt { get; set; }
    public int EmailAttempts { get; set; }
    public DateTimeOffset? EmailNextAt { get; set; }
}

/// <summary>A webhook subscription: which event types, for which teams or reps (none: all).</summary>
public sealed class WebhookRow
{
    public required string Id { get; set; }
    public required string Url { get; set; }
    public string[] Events { get; set; } = [];
    public string[] TeamIds { get; set; } = [];
    public string[] RepIds { get; set; } = [];

    /// <summary>Lead fields this endpoint is not sent (e.g. <c>email</c>, <c>phone</c>, <c>company.name</c>).</summary>
    public string[] ExcludeFields { get; set; } = [];

    /// <summary><c>whsec_</c> + base64 of the HMAC key, as in Standard Webhooks.</summary>
    public required string Secret { get; set; }
    public bool Enabled { get; set; } = true;
    public string? DisabledReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One event for one webhook, tried until delivered or given up (about three days).</summary>
public sealed class DeliveryRow
{
    public long Id { get; set; }
    public required string WebhookId { get; set; }
    public long OutboxId { get; set; }
    public required string EventId { get; set; }
    public required string Type { get; set; }

    /// <summary>pending, delivered, failed (given up) or disabled (the endpoint answered 410).</summary>
    public required string Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>Held by an instance that is sending it; another instance leaves it alone until then.</summary>
    public DateTimeOffset? LockedUntil { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
}

/// <summary>One attempt to deliver, for the delivery log.</summary>
public sealed class DeliveryAttemptRow
{
    public long Id { get; set; }
    public long DeliveryId { get; set; }
    public required string WebhookId { get; set; }
    public DateTimeOffset At { get; set; }
    public int? StatusCode { get; set; }
    public string? Error { get; set; }
    public int Milliseconds { get; set; }
}

/// <summary>Strategy state (rotation pointer, credits) per rule; updated with each assignment.</summary>
public sealed class StrategyStateRow
{
    public required string Key { get; set; }
    public string? Pointer { get; set; }
    public string CreditsJson { get; set; } = "{}";

    /// <summary>The rule's fairness ledger as JSON: balances, absent reps, catch-up and waiting turns.</summary>
    public string LedgerJson { get; set; } = "{}";
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Assignments per rep per named period (see CapPeriods), incremented with each assignment.</summary>
public sealed class RepCounterRow
{
    public required string RepId { get; set; }
    public required string Period { get; set; }
    public int Count { get; set; }
}

/// <summary>A replayable response for an Idempotency-Key, scoped to the API key that sent it.</summary>
public sealed class IdempotencyRow
{
    public required string ApiKeyId { get; set; }
    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public int StatusCode { get; set; }
    public required string ResponseJson { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>One configuration change: who, what, and the fields before and after (secrets left out).</summary>
public sealed class AuditRow
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string Entity { get; set; }
    public required string EntityId { get; set; }
    public string? BeforeJson { get; set; }
    public string? AfterJson { get; set; }
}

/// <summary>
/// What is left of a person whose data was erased: hashes of their email, phone and external id (never
/// the values), so a later lead from the same person is recognised as theirs.
/// </summary>
public sealed class ErasureRow
{
    public long Id { get; set; }
    public required string LeadId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string By { get; set; }
    public string? EmailHash { get; set; }
    public string? PhoneHash { get; set; }
    public string? ExternalIdHash { get; set; }
}

