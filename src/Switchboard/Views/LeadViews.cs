using Microsoft.EntityFrameworkCore;
using System.Text.Json;
using Switchboard.Routing;
using Switchboard.Routing.Flows;
using Switchboard.Storage;
using Switchboard.Capture;
using Switchboard.Routing.Lifecycle;

namespace Switchboard.Views;

public sealed record HeldView(string Reason);

public sealed record CandidateView(string RepId, bool Eligible, IReadOnlyList<string> Reasons);

public sealed record RuleView(string Rule, bool Matched, string Note);

/// <summary>The decision trace as API.md shapes it, plus the rules tried and the strategy state before/after.</summary>
public sealed record DecisionView(
    string Kind,
    int FlowVersion,
    string Rule,
    string? Strategy,
    string? RepId,
    string? PoolId,
    HeldView? Held,
    IReadOnlyList<CandidateView> Candidates,
    string Explanation,
    IReadOnlyList<RuleView> Rules,
    string? StateBefore,
    string? StateAfter,
    string? Alert = null,
    IReadOnlyList<string>? OfferedRepIds = null,
    string? OfferWindow = null,
    string? ChosenBy = null)
{
    /// <summary>A lead's latest decision as stored, or null when it was never routed.</summary>
    public static async Task<DecisionView?> LatestAsync(SwitchboardDb db, string leadId, CancellationToken ct)
    {
        var trace = await db.Decisions.AsNoTracking().Where(d => d.LeadId == leadId).OrderByDescending(d => d.Id).Select(d => d.TraceJson).FirstOrDefaultAsync(ct);
        return trace is null ? null : JsonSerializer.Deserialize<DecisionView>(trace, Json.Options);
    }

    public static DecisionView From(RoutingDecision d) => new(
        d.Kind.ToString().ToLowerInvariant(),
        d.FlowVersion,
        d.Rule,
        d.Strategy,
        d.RepId,
        d.PoolId,
        d.HeldReason is { } r ? new HeldView(r) : null,
        d.Candidates.Select(c => new CandidateView(c.RepId, c.Eligible, c.Reasons)).ToArray(),
        d.Explanation,
        d.Rules.Select(r => new RuleView(r.Rule, r.Matched, r.Note)).ToArray(),
        d.StateBefore,
        d.StateAfter,
        d.Alert,
        d.OfferedRepIds,
        d.OfferWindow is { } w ? Durations.Format(w) : null,
        d.ChosenBy);
}

public static class DecisionViews
{
    /// <summary>
    /// The decision as a manager of <paramref name="reps"/> may see it: only their reps among the
    /// candidates; a decision about other teams' reps says only where it went, not to whom or why.
    /// </summary>
    public static DecisionView Within(this DecisionView d, IReadOnlySet<string> reps)
    {
        var ours = d.Candidates.Where(c => reps.Contains(c.RepId)).ToArray();
        var aboutOthers = (d.RepId is { } rep && !reps.Contains(rep)) || (d.Candidates.Count > 0 && ours.Length == 0);
        return aboutOthers
            ? d with
            {
                RepId = null,
                Candidates = ours,
                Held = d.Held is null ? null : new HeldView("held: no rep of your teams could take it"),
                Explanation = $"rule '{d.Rule}' gives it to {(d.RepId is null ? "no rep" : "a rep")} outside your teams",
                StateBefore = null,
                StateAfter = null,
                OfferedRepIds = d.OfferedRepIds?.Where(reps.Contains).ToArray(),
            }
            : d with { Candidates = ours, OfferedRepIds = d.OfferedRepIds?.Where(reps.Contains).ToArray() };
    }
}

/// <summary>What <c>POST /api/leads</c> answers.</summary>
public sealed record LeadCreated(string Id, string Status, string? OwnerRepId, string? PoolId, bool Duplicate, DecisionView? Decision);

public sealed record CompanyView(string? Name, string? Domain, int? Employees, string? Industry, decimal? AnnualRevenue);

public sealed record TimelineEntry(string Type, DateTimeOffset At, string Actor, string? RepId, string? Note);

/// <summary>A lead as <c>GET /api/leads/{id}</c> shows it.</summary>
public sealed record LeadView(
    string Id,
    string? ExternalId,
    string? Source,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? Title,
    CompanyView? Company,
    string? Country,
    string? Region,
    string? City,
    string? PostalCode,
    string? Language,
    string? ProductInterest,
    decimal? Value,
    int? Score,
    JsonElement? Attributes,
    string Status,
    string? OwnerRepId,
    string? PoolId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? AssignedAt,
    DecisionView? Decision,
    IReadOnlyList<TimelineEntry>? Timeline,
    string? Grade = null,
    IReadOnlyList<string>? ScoreReasons = null,
    string? DisqualifiedReason = null,
    string? Channel = null,
    string? Campaign = null,
    UtmInput? Utm = null,
    string? AccountId = null,
    IReadOnlyList<string>? OfferedRepIds = null,
    DateTimeOffset? OfferExpiresAt = null,
    DateTimeOffset? AcceptedAt = null,
    DateTimeOffset? FirstTouchAt = null,
    DateTimeOffset? AcceptDueAt = null,
    DateTimeOffset? TouchDueAt = null,
    int? FeedbackScore = null,
    string? LostReason = null)
{
    /// <summary>The lead with its latest decision and whole timeline, or null when there is none by that id.</summary>
    public static async Task<LeadView?> FindAsync(SwitchboardDb db, string id, CancellationToken ct)
    {
        if (await db.Leads.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, ct) is not { } lead)
        {
            return null;
        }

        var decision = await DecisionView.LatestAsync(db, id, ct);
        var timeline = await db.LeadEvents.AsNoTracking().Where(e => e.LeadId == id).OrderBy(e => e.Id)
            .Select(e => new TimelineEntry(e.Type, e.At, e.Actor, e.RepId, e.Note))
            .ToListAsync(ct);
        return From(lead, decision, timeline);
    }

    public static LeadView From(LeadRow l, DecisionView? decision, IReadOnlyList<TimelineEntry>? timeline) => new(
        l.Id, l.ExternalId, l.Source, l.FirstName, l.LastName, l.Email, l.Phone, l.Title,
        l.CompanyName is null && l.CompanyDomain is null && l.CompanyEmployees is null && l.CompanyIndustry is null && l.CompanyAnnualRevenue is null
            ? null
            : new CompanyView(l.CompanyName, l.CompanyDomain, l.CompanyEmployees, l.CompanyIndustry, l.CompanyAnnualRevenue),
        l.Country, l.Region, l.City, l.PostalCode, l.Language, l.ProductInterest, l.Value, l.Score,
        l.AttributesJson is null ? null : JsonSerializer.Deserialize<JsonElement>(l.AttributesJson),
        l.Status.Name(), l.OwnerRepId, l.PoolId, l.CreatedAt, l.UpdatedAt, l.AssignedAt, decision, timeline,
        l.Grade,
        l.ScoreReasonsJson is null ? null : JsonSerializer.Deserialize<List<string>>(l.ScoreReasonsJson),
        l.DisqualifiedReason,
        l.Channel,
        l.Campaign,
        l.UtmSource is null && l.UtmMedium is null && l.UtmCampaign is null && l.UtmTerm is null && l.UtmContent is null
            ? null
            : new UtmInput(l.UtmSource, l.UtmMedium, l.UtmCampaign, l.UtmTerm, l.UtmContent),
        l.AccountId,
        l.OfferedRepIds.Length == 0 ? null : l.OfferedRepIds,
        l.OfferExpiresAt,
        l.AcceptedAt,
        l.FirstTouchAt,
        l.AcceptDueAt,
        l.TouchDueAt,
        l.FeedbackScore,
        l.LostReason);
}

public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);
