using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Switchboard.Storage;

namespace Switchboard.Distribution;

/// <summary>
/// Days off from team calendars and region calendars, merged per rep for the engine: each date says
/// where it came from, so the trace can name it.
/// </summary>
public sealed class Holidays
{
    private readonly Dictionary<string, Dictionary<DateOnly, string>> _byTeam;
    private readonly Dictionary<string, Dictionary<DateOnly, string>> _byRegion;

    private Holidays(Dictionary<string, Dictionary<DateOnly, string>> byTeam, Dictionary<string, Dictionary<DateOnly, string>> byRegion)
    {
        _byTeam = byTeam;
        _byRegion = byRegion;
    }

    public static async Task<Holidays> LoadAsync(SwitchboardDb db, IEnumerable<TeamRow> allTeams, CancellationToken ct)
    {
        var teams = allTeams.Where(t => t.Holidays.Length > 0);
        var regions = await db.HolidayCalendars.AsNoTracking().ToListAsync(ct);
        return new Holidays(
            teams.ToDictionary(t => t.Id, t => Dates(t.Holidays, $"team '{t.Id}' holiday"), StringComparer.Ordinal),
            regions.ToDictionary(r => r.Region, r => Dates(r.Dates, r.Name is null ? $"{r.Region} holiday" : $"{r.Name}, {r.Region}"), StringComparer.OrdinalIgnoreCase));
    }

    public IReadOnlyDictionary<DateOnly, string>? For(RepRow rep)
    {
        Dictionary<DateOnly, string>? result = null;
        void Merge(Dictionary<DateOnly, string> days)
        {
            foreach (var (date, why) in days)
            {
                (result ??= [])[date] = why;
            }
        }

        foreach (var team in rep.TeamIds)
        {
            if (_byTeam.TryGetValue(team, out var days))
            {
                Merge(days);
            }
        }

        if (rep.HolidayRegion is { } region && _byRegion.TryGetValue(region, out var regional))
        {
            Merge(regional);
        }

        return result;
    }

    /// <summary>Dates are validated on the way in (yyyy-MM-dd).</summary>
    public static bool TryParse(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>Names each entry of a team's or region's holiday list that is not a yyyy-MM-dd date.</summary>
    public static void ValidateDates(IEnumerable<string?>? dates, string field, FieldErrors errors)
    {
        foreach (var (day, i) in (dates ?? []).Select((d, i) => (d, i)))
        {
            if (day is null || !TryParse(day, out _))
            {
                errors.Add($"{field}[{i}]", $"'{day}' is not a date written yyyy-MM-dd");
            }
        }
    }

    private static Dictionary<DateOnly, string> Dates(string[] dates, string why)
    {
        var result = new Dictionary<DateOnly, string>();
        foreach (var d in dates)
        {
            if (TryParse(d, out var date))
            {
                result[date] = why;
            }
        }

        return result;
    }
}
