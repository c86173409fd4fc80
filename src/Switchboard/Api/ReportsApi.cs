using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Storage;
using Switchboard.Routing.Lifecycle;

namespace Switchboard.Api;

/// <summary>Seconds from assignment to a step, over the leads that reached it: how many, median, mean, 90th percentile.</summary>
public sealed record TimeToStep(int Count, double? MedianSeconds, double? MeanSeconds, double? P90Seconds)
{
    public static TimeToStep Of(IEnumerable<double> seconds)
    {
        var s = seconds.Order().ToList();
        return s.Count == 0
            ? new TimeToStep(0, null, null, null)
            : new TimeToStep(s.Count, Math.Round(s[(s.Count - 1) / 2], 1), Math.Round(s.Average(), 1), Math.Round(s[(int)Math.Ceiling(0.9 * s.Count) - 1], 1));
    }
}

public sealed record ResponseTimes(string Id, int Assigned, TimeToStep ToAccept, TimeToStep ToFirstTouch, int SlaBreaches);

public sealed record ResponseTimesReport(DateTimeOffset From, DateTimeOffset To, string? TeamId, IReadOnlyList<ResponseTimes> Reps, IReadOnlyList<ResponseTimes> Teams);

/// <summary><c>/api/reports</c>: how fast leads are worked.</summary>
public static class ReportsApi
{
    /// <summary>A report bound: an ISO 8601 date (midnight UTC) or date-time; null when absent, an error when unreadable.</summary>
    public static DateTimeOffset? ParseMoment(string? value, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) &&
            value.Trim()[0] is >= '0' and <= '9')
        {
            return at;
        }

        errors.Add(field, $"'{value}' is not a date: expected an ISO 8601 date or date-time such as 2026-12-01 or 2026-12-01T09:00:00Z");
        return null;
    }

    public static RouteGroupBuilder MapReportsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/reports/response-times", ResponseTimesAsync).WithTags("Reports");
        return api;
    }

    /// <summary>
    /// Assignment → accept and assignment → first touch (call, email, meeting or a contacted-or-later status),
    /// per rep and per team, for leads assigned in [from, to) (default: the last 30 days). Managers see their teams.
    /// </summary>
    public static async Task<Results<Ok<ResponseTimesReport>, ValidationProblem, ProblemHttpResult>> ResponseTimesAsync(
        HttpContext http, SwitchboardDb db, TimeProvider time, string? from, string? to, string? teamId, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var errors = new FieldErrors();
        var end = ParseMoment(to, "to", errors) ?? time.GetUtcNow();
        var start = ParseMoment(from, "from", errors) ?? end.AddDays(-30);
        if (!errors.Any && start >= end)
        {
            errors.Add("from", $"must be before to ({end:u})");
        }

        if (errors.Any)
        {
            return errors.ToProblem("The report's parameters are invalid.");
        }

        if (teamId is not null && !(caller.IsAdmin || caller.TeamIds.Contains(teamId)) || teamId is not null && !await db.Teams.AnyAsync(t => t.Id == teamId, ct))
        {
            return Problems.NotFound($"no team '{teamId}'");
        }

        var reps = await db.Reps.AsNoTracking().Select(r => new { r.Id, r.TeamIds }).ToListAsync(ct);
        var teamsSeen = teamId is not null ? [teamId] : caller.IsAdmin ? reps.SelectMany(r => r.TeamIds).Distinct().ToList() : [.. caller.TeamIds];
        var repIds = reps.Where(r => r.TeamIds.Intersect(teamsSeen).Any() || (caller.IsAdmin && teamId is null)).Select(r => r.Id).ToArray();
        var leads = await db.Leads.AsNoTracking()
            .Where(l => l.OwnerRepId != null && repIds.Contains(l.OwnerRepId) && l.AssignedAt >= start && l.AssignedAt < end)
            .Select(l => new { Rep = l.OwnerRepId!, l.AssignedAt, l.AcceptedAt, l.FirstTouchAt })
            .ToListAsync(ct);

        // Counted from the timeline, so a lead that left a rep after a breach still counts as theirs:
        // every way a rep is given a lead, and each breach matched to one of those receipts.
        var received = await db.LeadEvents.AsNoTracking()
            .Where(e => e.RepId != null && repIds.Contains(e.RepId) && e.At >= start && e.At < end &&
                        (e.Type == "assigned" || e.Type == "claimed" || e.Type == "reassigned" ||
                         (e.Type == "accepted" && e.Note == TimelineNotes.AcceptedOffer) || (e.Type == "escalated" && e.Note!.Contains(TimelineNotes.EscalatedToRep))))
            .Select(e => new { e.LeadId, Rep = e.RepId! })
            .ToListAsync(ct);
        var breached = await db.LeadEvents.AsNoTracking()
            .Where(e => e.Type == "sla_breached" && e.RepId != null && repIds.Contains(e.RepId) && e.At >= start && e.At < end)
            .Select(e => new { e.LeadId, Rep = e.RepId! })
            .ToListAsync(ct);
        var receipts = received.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
        var breaches = breached.GroupBy(b => b)
            .Select(g => (g.Key.Rep, Count: Math.Min(g.Count(), receipts.GetValueOrDefault(g.Key))))
            .GroupBy(b => b.Rep).ToDictionary(g => g.Key, g => g.Sum(b => b.Count));
        var assigned = received.GroupBy(r => r.Rep).ToDictionary(g => g.Key, g => g.Count());

        ResponseTimes Summarize(string id, IEnumerable<string> members)
        {
            var set = members.ToHashSet();
            var mine = leads.Where(l => set.Contains(l.Rep)).ToList();
            return new ResponseTimes(
                id,
                set.Sum(r => assigned.GetValueOrDefault(r)),
                TimeToStep.Of(mine.Where(l => l.AcceptedAt is not null).Select(l => (l.AcceptedAt!.Value - l.AssignedAt!.Value).TotalSeconds)),
                TimeToStep.Of(mine.Where(l => l.FirstTouchAt is not null).Select(l => (l.FirstTouchAt!.Value - l.AssignedAt!.Value).TotalSeconds)),
                set.Sum(r => breaches.GetValueOrDefault(r)));
        }

        var repRows = repIds.Order(StringComparer.Ordinal).Select(r => Summarize(r, [r])).ToList();
        var teamRows = teamsSeen.Order(StringComparer.Ordinal).Select(t => Summarize(t, reps.Where(r => r.TeamIds.Contains(t)).Select(r => r.Id))).ToList();
        return TypedResults.Ok(new ResponseTimesReport(start, end, teamId, repRows, teamRows));
    }
}
