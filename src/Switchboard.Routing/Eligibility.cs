using System.Globalization;
using Switchboard.Routing.Model;

namespace Switchboard.Routing;

/// <summary>Who MAY take a lead right now. Each exclusion is a reason a person can read in the trace.</summary>
public static class Eligibility
{
    public static IReadOnlyList<string> Exclusions(RepState state, DateTimeOffset now)
    {
        var rep = state.Rep;
        var load = state.Load;
        List<string>? reasons = null;
        void Add(string reason) => (reasons ??= []).Add(reason);

        if (!rep.Active)
        {
            Add("inactive");
        }

        switch (rep.Status)
        {
            case RepStatus.Away when rep.AwayUntil is { } until && until <= now:
                break; // the away window has passed
            case RepStatus.Away:
                Add(rep.AwayUntil is { } back
                    ? $"away until {back.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture)}"
                    : "away");
                break;
            case RepStatus.Offline:
                Add("offline");
                break;
        }

        if (rep.WorkingHours is { } hours)
        {
            var local = TimeZoneInfo.ConvertTime(now, CapPeriods.FindZone(rep.TimeZone)).DateTime;
            if (!hours.IsWorking(local))
            {
                var at = local.ToString("ddd HH:mm", CultureInfo.InvariantCulture);
                Add($"outside working hours (now {at} {rep.TimeZone}; hours that day: {hours.Describe(local.DayOfWeek)})");
            }
        }

        var caps = rep.Caps;
        CheckCap(caps.MaxOpen, load.OpenLeads, "max open leads", Add);
        CheckCap(caps.PerHour, load.AssignedThisHour, "hourly cap", Add);
        CheckCap(caps.PerDay, load.AssignedToday, "daily cap", Add);
        CheckCap(caps.PerWeek, load.AssignedThisWeek, "weekly cap", Add);
        CheckCap(caps.PerMonth, load.AssignedThisMonth, "monthly cap", Add);

        return reasons ?? (IReadOnlyList<string>)[];
    }

    private static void CheckCap(int? cap, int count, string name, Action<string> add)
    {
        if (cap is { } limit && count >= limit)
        {
            add($"at {name} ({count}/{limit})");
        }
    }
}
