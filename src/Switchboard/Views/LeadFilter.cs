using Switchboard.Routing.Lifecycle;
using Switchboard.Storage;

namespace Switchboard.Views;

/// <summary>
/// What a lead list is narrowed by, for <c>GET /api/leads</c> and the app's lead search alike: status,
/// owner, pool, source, channel, campaign, arrival dates, whether an SLA was breached, and words in the
/// name, email or company.
/// </summary>
public sealed record LeadFilter(
    LeadStatus? Status = null,
    string? OwnerRepId = null,
    string? PoolId = null,
    string? Source = null,
    string? Channel = null,
    string? Campaign = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    bool? SlaBreached = null,
    string? Text = null)
{
    public const string Breached = "sla_breached";

    /// <summary>The leads of <paramref name="leads"/> that pass, newest first.</summary>
    public IQueryable<LeadRow> Apply(IQueryable<LeadRow> leads, SwitchboardDb db, DateTimeOffset now)
    {
        if (Status is { } status)
        {
            leads = leads.Where(l => l.Status == status);
        }

        if (OwnerRepId is { } owner)
        {
            leads = leads.Where(l => l.OwnerRepId == owner);
        }

        if (PoolId is { } pool)
        {
            leads = leads.Where(l => l.PoolId == pool);
        }

        if (Source is { } source)
        {
            leads = leads.Where(l => l.Source == source);
        }

        if (Channel is { } channel)
        {
            leads = leads.Where(l => l.Channel == channel);
        }

        if (Campaign is { } campaign)
        {
            leads = leads.Where(l => l.Campaign == campaign);
        }

        if (From is { } from)
        {
            leads = leads.Where(l => l.CreatedAt >= from);
        }

        if (To is { } to)
        {
            leads = leads.Where(l => l.CreatedAt < to);
        }

        // Breached: the clock wrote the breach, or a deadline has passed that it has yet to handle.
        if (SlaBreached is { } breached)
        {
            leads = breached
                ? leads.Where(l => db.LeadEvents.Any(e => e.LeadId == l.Id && e.Type == Breached) || l.AcceptDueAt < now || l.TouchDueAt < now)
                : leads.Where(l => !db.LeadEvents.Any(e => e.LeadId == l.Id && e.Type == Breached) && !(l.AcceptDueAt < now) && !(l.TouchDueAt < now));
        }

        if (Text?.Trim() is { Length: > 0 } text)
        {
            var words = text.ToLowerInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // translated to SQL lower(); never runs in .NET
            leads = leads.Where(l => ((l.FirstName ?? "") + " " + (l.LastName ?? "")).ToLower().Contains(words) || (l.Email ?? "").ToLower().Contains(words) ||
                                     (l.CompanyName ?? "").ToLower().Contains(words) || l.Id == text);
#pragma warning restore CA1304, CA1311, CA1862
        }

        return leads.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id);
    }
}
