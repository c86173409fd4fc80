using System.Globalization;
using Switchboard.Routing.Model;

namespace Switchboard.Routing;

/// <summary>Why a rep may not take a lead; no reasons means eligible.</summary>
public readonly record struct Exclusion(IReadOnlyList<string> Reasons, bool Absent, bool AtCap)
{
    public bool Eligible => Reasons.Count == 0;
}

/// <summary>Who MAY take a lead right now. Each exclusion is a reason a person can read in the trace.</summary>
public static class Eligibility
{
    public static IReadOnlyList<string> Exclusions(RepState state, DateTimeOffset now) => Check(state, now).Reasons;

    /// <summary>
    /// Every reason the rep may not take a lead now, and of what kind: <c>Absent</c> means active but away
    /// (status, out-of-office, outside working hours, holiday), whom fairness remembers; <c>AtCap</c> means
    /// they had their share on purpose.
    /// </summary>
    public static Exclusion Check(RepState state, DateTimeOffset now)
    {
        List<string>? reasons = null;
        if (!state.Rep.Active)
        {
            (reasons ??= []).Add("inactive");
        }

        var before = reasons?.Count ?? 0;
        Availability(state.Rep, now, ref reasons);
        var absent = (reasons?.Count ?? 0) > before;
        before = reasons?.Count ?? 0;
        Caps(state.Rep.Caps, state.Load, ref reasons);
        var capped = (reasons?.Count ?? 0) > before;
        return new Exclusion(reasons ?? (IReadOnlyList<string>)[], absent && state.Rep.Active, capped);
    }

    /// <summary>The team's own caps, counted in the team's time zone; one reason shared by all its members.</summary>
    public static string? TeamExclusion(TeamState team)
    {
        List<string>? reasons = null;
        Caps(team.Caps with { MaxOpen = null }, team.Load, ref reasons);
        return reasons is [var first, ..] ? $"team '{team.Id}' {first}" : null;
    }

    /// <summary>The caps a rep (or team) has reached with this load.</summary>
    public static IReadOnlyList<string> CapExclusions(RepCaps caps, RepLoad load)
    {
        List<string>? reasons = null;
        Caps(caps, load, ref reasons);
        return reasons ?? (IReadOnlyList<string>)[];
    }

    private static void Availability(Rep rep, DateTimeOffset now, ref List<string>? reasons)
    {
        switch (rep.Status)
        {
            case RepStatus.Away when rep.AwayUntil is { } until && until <= now:
                break; // the away window has passed
            case RepStatus.Away:
                (reasons ??= []).Add(rep.AwayUntil is { } back
                    ? $"away until {back.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture)}"
                    : "away");
                break;
            case RepStatus.Offline:
                (reasons ??= []).Add("offline");
                break;
        }

        if (rep.WorkingHours is null && rep.Holidays.Count == 0)
        {
            return;
        }

        var local = TimeZoneInfo.ConvertTime(now, CapPeriods.FindZone(rep.TimeZone)).DateTime;
        if (rep.Holidays.TryGetValue(DateOnly.FromDateTime(local), out var holiday))
        {
            (reasons ??= []).Add($"on holiday ({local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, {holiday})");
        }

        if (rep.WorkingHours is { } hours && !hours.IsWorking(local))
        {
            var at = local.ToString("ddd HH:mm", CultureInfo.InvariantCulture);
            (reasons ??= []).Add($"outside working hours (now {at} {rep.TimeZone}; hours that day: {hours.Describe(local.DayOfWeek)})");
        }
    }

    private static void Caps(RepCaps caps, RepLoad load, ref List<string>? reasons)
    {
        CheckCap(caps.MaxOpen, load.OpenLeads, "max open leads", ref reasons);
        CheckCap(caps.PerHour, load.AssignedThisHour, "hourly cap", ref reasons);
        CheckCap(caps.PerDay, load.AssignedToday, "daily cap", ref reasons);
        CheckCap(caps.PerWeek, load.AssignedThisWeek, "weekly cap", ref reasons);
        CheckCap(caps.PerMonth, load.AssignedThisMonth, "monthly cap", ref reasons);
    }

    private static void CheckCap(int? cap, int count, string name, ref List<string>? reasons)
    {
        if (cap is { } limit && count >= limit)
        {
            (reasons ??= []).Add($"at {name} ({count}/{limit})");
        }
    }
}
