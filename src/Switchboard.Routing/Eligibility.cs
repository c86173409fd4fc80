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
        var absent = false;
        var capped = false;

        if (!state.Rep.Active)
        {
            (reasons ??= []).Add("inactive");
        }

        Availability(state.Rep, now, r =>
        {
            (reasons ??= []).Add(r);
            absent = true;
        });
        Caps(state.Rep.Caps, state.Load, r =>
        {
            (reasons ??= []).Add(r);
            capped = true;
        });
        return new Exclusion(reasons ?? (IReadOnlyList<string>)[], absent && state.Rep.Active, capped);
    }

    /// <summary>The team's own caps, counted in the team's time zone; one reason shared by all its members.</summary>
    public static string? TeamExclusion(TeamState team)
    {
        string? reason = null;
        Caps(team.Caps with { MaxOpen = null }, team.Load, r => reason ??= $"team '{team.Id}' {r}");
        return reason;
    }

    private static void Availability(Rep rep, DateTimeOffset now, Action<string> add)
    {
        switch (rep.Status)
        {
            case RepStatus.Away when rep.AwayUntil is { } until && until <= now:
                break; // the away window has passed
            case RepStatus.Away:
                add(rep.AwayUntil is { } back
                    ? $"away until {back.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture)}"
                    : "away");
                break;
            case RepStatus.Offline:
                add("offline");
                break;
        }

        if (rep.WorkingHours is null && rep.Holidays.Count == 0)
        {
            return;
        }

        var local = TimeZoneInfo.ConvertTime(now, CapPeriods.FindZone(rep.TimeZone)).DateTime;
        if (rep.Holidays.TryGetValue(DateOnly.FromDateTime(local), out var holiday))
        {
            add($"on holiday ({local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, {holiday})");
        }

        if (rep.WorkingHours is { } hours && !hours.IsWorking(local))
        {
            var at = local.ToString("ddd HH:mm", CultureInfo.InvariantCulture);
            add($"outside working hours (now {at} {rep.TimeZone}; hours that day: {hours.Describe(local.DayOfWeek)})");
        }
    }

    private static void Caps(RepCaps caps, RepLoad load, Action<string> add)
    {
        CheckCap(caps.MaxOpen, load.OpenLeads, "max open leads", add);
        CheckCap(caps.PerHour, load.AssignedThisHour, "hourly cap", add);
        CheckCap(caps.PerDay, load.AssignedToday, "daily cap", add);
        CheckCap(caps.PerWeek, load.AssignedThisWeek, "weekly cap", add);
        CheckCap(caps.PerMonth, load.AssignedThisMonth, "monthly cap", add);
    }

    private static void CheckCap(int? cap, int count, string name, Action<string> add)
    {
        if (cap is { } limit && count >= limit)
        {
            add($"at {name} ({count}/{limit})");
        }
    }
}
