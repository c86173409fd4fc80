using System.Globalization;
using Switchboard.Routing.Lifecycle;
using Switchboard.Storage;

namespace Switchboard.App;

/// <summary>How the screens name a lead and its next deadline.</summary>
public static class LeadLabels
{
    public static string FullName(string? first, string? last, string? email) =>
        $"{first} {last}".Trim() is { Length: > 0 } name ? name : email ?? "(no name)";

    public static string FullName(LeadRow l) => FullName(l.FirstName, l.LastName, l.Email);

    /// <summary>The clock a rep is working against on this lead, if any: the offer's end, the accept deadline, the first-touch deadline.</summary>
    public static (DateTimeOffset At, string What)? NextDeadline(LeadRow l) => l switch
    {
        { Status: LeadStatus.Offered, OfferExpiresAt: { } offer } => (offer, "offer ends"),
        { Status: LeadStatus.Assigned, AcceptedAt: null, AcceptDueAt: { } accept } => (accept, "accept by"),
        { FirstTouchAt: null, TouchDueAt: { } touch } when l.Status.IsOpen() => (touch, "first touch due"),
        _ => null,
    };

    /// <summary>"in 4 min 05 s", "overdue by 2 h 10 min".</summary>
    public static string Countdown(DateTimeOffset due, DateTimeOffset now)
    {
        var left = due - now;
        var span = left.Duration();
        var text = span.TotalHours >= 24 ? $"{(int)span.TotalDays} d {span.Hours} h"
            : span.TotalMinutes >= 60 ? $"{(int)span.TotalHours} h {span.Minutes:00} min"
            : $"{(int)span.TotalMinutes} min {span.Seconds:00} s";
        return left >= TimeSpan.Zero ? "in " + text : "overdue by " + text;
    }

    public static string When(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
