using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Switchboard.Routing.Model;
using Switchboard.Storage;

namespace Switchboard.Distribution;

/// <summary>A stored rep as the engine sees it.</summary>
public static class RepMapping
{
    private static readonly ConcurrentDictionary<string, WorkingHours> Parsed = new(StringComparer.Ordinal);

    private static readonly Dictionary<string, DayOfWeek> Days = new(StringComparer.Ordinal)
    {
        ["mon"] = DayOfWeek.Monday, ["tue"] = DayOfWeek.Tuesday, ["wed"] = DayOfWeek.Wednesday, ["thu"] = DayOfWeek.Thursday,
        ["fri"] = DayOfWeek.Friday, ["sat"] = DayOfWeek.Saturday, ["sun"] = DayOfWeek.Sunday,
    };

    /// <summary>Stored working hours (validated on save) for the engine; parsed once per distinct value.</summary>
    public static WorkingHours? ParseWorkingHours(string? json) => json is null ? null : Parsed.GetOrAdd(json, static j =>
    {
        var days = JsonSerializer.Deserialize<Dictionary<string, List<List<string>>>>(j, Json.Options)!;
        var blocks = Days.Values.ToDictionary(d => d, _ => new List<TimeBlock>());
        foreach (var (day, list) in days)
        {
            foreach (var b in list)
            {
                var start = TimeOnly.ParseExact(b[0], "HH:mm", CultureInfo.InvariantCulture);
                TimeOnly? end = b[1] == "24:00" ? null : TimeOnly.ParseExact(b[1], "HH:mm", CultureInfo.InvariantCulture);
                if (end is { } e && e < start)
                {
                    // A night shift: until midnight, then on into the next morning.
                    blocks[Days[day]].Add(new TimeBlock(start, null));
                    blocks[(DayOfWeek)(((int)Days[day] + 1) % 7)].Add(new TimeBlock(TimeOnly.MinValue, e));
                }
                else
                {
                    blocks[Days[day]].Add(new TimeBlock(start, end));
                }
            }
        }

        return new WorkingHours(blocks.Where(d => d.Value.Count > 0)
            .ToDictionary(d => d.Key, d => (IReadOnlyList<TimeBlock>)[.. d.Value.OrderBy(b => b.Start)]));
    });

    public static Rep ToEngineRep(this RepRow r, IReadOnlyDictionary<DateOnly, string>? holidays = null) => new()
    {
        Id = r.Id,
        Name = r.Name,
        TeamIds = r.TeamIds,
        Skills = r.Skills,
        Languages = r.Languages,
        Territories = r.Territories,
        Weight = r.Weight,
        Seniority = r.Seniority,
        TimeZone = r.TimeZone,
        WorkingHours = ParseWorkingHours(r.WorkingHoursJson),
        Holidays = holidays ?? new Dictionary<DateOnly, string>(),
        Caps = new RepCaps(r.CapPerHour, r.CapPerDay, r.CapPerWeek, r.CapPerMonth, r.CapMaxOpen),
        Status = r.Status switch { "away" => RepStatus.Away, "offline" => RepStatus.Offline, _ => RepStatus.Available },
        AwayUntil = r.AwayUntil,
        Active = r.Active,
    };
}
