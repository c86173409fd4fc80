using System.Globalization;

namespace Switchboard.Routing;

/// <summary>
/// Names of the hour/day/week/month a moment falls in, in a rep's own time zone. Caps count
/// assignments per named period, so "5 a day" means the rep's day, not UTC's.
/// </summary>
public readonly record struct CapPeriods(string Hour, string Day, string Week, string Month)
{
    public IEnumerable<string> All => [Hour, Day, Week, Month];

    public static CapPeriods For(string timeZone, DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, FindZone(timeZone)).DateTime;
        var c = CultureInfo.InvariantCulture;
        return new CapPeriods(
            "h:" + local.ToString("yyyy-MM-dd'T'HH", c),
            "d:" + local.ToString("yyyy-MM-dd", c),
            $"w:{ISOWeek.GetYear(local)}-W{ISOWeek.GetWeekOfYear(local):00}",
            "m:" + local.ToString("yyyy-MM", c));
    }

    /// <summary>An IANA zone; unknown names fall back to UTC (reps are validated when saved).</summary>
    public static TimeZoneInfo FindZone(string timeZone) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone) ? zone : TimeZoneInfo.Utc;
}
