using System.Globalization;
using Switchboard.Routing.Model;

namespace Switchboard.Routing;

/// <summary>
/// Why a rep may not take a lead (<c>Count</c> reasons; their text in <c>Reasons</c> unless only
/// classified); none means eligible.
/// </summary>
public readonly record struct Exclusion(IReadOnlyList<string> Reasons, bool Absent, bool AtCap, int Count)
{
    public bool Eligible => Count == 0;
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
    public static Exclusion Check(RepState state, DateTimeOffset now) => Evaluate(state, now, format: true);

    /// <summary>
    /// The same verdict without the reasons' text (<c>Reasons</c> empty, <c>Count</c> set): what the
    /// engine needs per candidate; the text is made by <see cref="Check"/> when a trace is read.
    /// </summary>
    public static Exclusion Classify(RepState state, DateTimeOffset now) => Evaluate(state, now, format: false);

    private static Exclusion Evaluate(RepState state, DateTimeOffset now, bool format)
    {
        var found = new Found(format);
        if (!state.Rep.Active)
        {
            found.Add("inactive");
        }

        var before = found.Count;
        Availability(state.Rep, now, ref found);
        var absent = found.Count > before;
        before = found.Count;
        Caps(state.Rep.Caps, state.Load, ref found);
        var capped = found.Count > before;
        return new Exclusion(found.Reasons ?? (IReadOnlyList<string>)[], absent && state.Rep.Active, capped, found.Count);
    }

    /// <summary>The team's own caps, counted in the team's time zone; one reason shared by all its members.</summary>
    public static string? TeamExclusion(TeamState team)
    {
        var found = new Found(format: true);
        Caps(team.Caps with { MaxOpen = null }, team.Load, ref found);
        return found.Reasons is [var first, ..] ? $"team '{team.Id}' {first}" : null;
    }

    /// <summary>The caps a rep (or team) has reached with this load.</summary>
    public static IReadOnlyList<string> CapExclusions(RepCaps caps, RepLoad load)
    {
        var found = new Found(format: true);
        Caps(caps, load, ref found);
        return found.Reasons ?? (IReadOnlyList<string>)[];
    }

    /// <summary>Reasons found: counted always, their text kept only when formatting (a decision counts; a trace reads).</summary>
    private struct Found(bool format)
    {
        public readonly bool Format = format;
        public List<string>? Reasons;
        public int Count;

        public void Add(string reason)
        {
            Count++;
            if (Format)
            {
                (Reasons ??= []).Add(reason);
            }
        }
    }

    private static void Availability(Rep rep, DateTimeOffset now, ref Found found)
    {
        switch (rep.Status)
        {
            case RepStatus.Away when rep.AwayUntil is { } until && until <= now:
                break; // the away window has passed
            case RepStatus.Away:
                found.Add(rep.AwayUntil is { } back && found.Format
                    ? $"away until {back.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture)}"
                    : "away");
                break;
            case RepStatus.Offline:
                found.Add("offline");
                break;
        }

        if (rep.WorkingHours is null && rep.Holidays.Count == 0)
        {
            return;
        }

        var local = TimeZoneInfo.ConvertTime(now, CapPeriods.FindZone(rep.TimeZone)).DateTime;
        if (rep.Holidays.TryGetValue(DateOnly.FromDateTime(local), out var holiday))
        {
            found.Add(found.Format ? $"on holiday ({local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, {holiday})" : "");
        }

        if (rep.WorkingHours is { } hours && !hours.IsWorking(local))
        {
            found.Add(found.Format
                ? $"outside working hours (now {local.ToString("ddd HH:mm", CultureInfo.InvariantCulture)} {rep.TimeZone}; hours that day: {hours.Describe(local.DayOfWeek)})"
                : "");
        }
    }

    private static void Caps(RepCaps caps, RepLoad load, ref Found found)
    {
        CheckCap(caps.MaxOpen, load.OpenLeads, "max open leads", ref found);
        CheckCap(caps.PerHour, load.AssignedThisHour, "hourly cap", ref found);
        CheckCap(caps.PerDay, load.AssignedToday, "daily cap", ref found);
        CheckCap(caps.PerWeek, load.AssignedThisWeek, "weekly cap", ref found);
        CheckCap(caps.PerMonth, load.AssignedThisMonth, "monthly cap", ref found);
    }

    private static void CheckCap(int? cap, int count, string name, ref Found found)
    {
        if (cap is { } limit && count >= limit)
        {
            found.Add(found.Format ? $"at {name} ({count}/{limit})" : "");
        }
    }
}
