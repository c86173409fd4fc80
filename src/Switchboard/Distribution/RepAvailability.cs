using Microsoft.EntityFrameworkCore;
using Switchboard.Storage;
using Switchboard.Work;

namespace Switchboard.Distribution;

/// <summary>
/// A rep's availability — available, away (until a time, or until set back), offline — as a rep sets
/// their own and a manager their teams' reps': for <c>PATCH /api/reps/{id}</c> and the app's screens.
/// Who may reach the rep was checked before (<c>PATCH /api/reps/{id}</c> in the access table).
/// </summary>
public static class RepAvailability
{
    public const string Available = "available", Away = "away", Offline = "offline";

    public static readonly string[] Statuses = [Available, Away, Offline];

    /// <summary>Why the status cannot be set, or null.</summary>
    public static string? Problem(string? status) =>
        status is not null && !Statuses.Contains(status) ? "one of available, away, offline" : null;

    /// <summary>Sets the rep's status (an end to being away only with <c>away</c>); null when there is no such rep.</summary>
    public static async Task<RepRow?> SetAsync(SwitchboardDb db, HeldLeadRetrier retrier, string repId, string status, DateTimeOffset? awayUntil, DateTimeOffset now, CancellationToken ct)
    {
        if (await db.Reps.FirstOrDefaultAsync(r => r.Id == repId, ct) is not { } row)
        {
            return null;
        }

        row.Status = status;
        row.AwayUntil = status == Away ? awayUntil?.ToUniversalTime() : null;
        row.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        retrier.Poke(); // a rep back from away may be just who a held lead waits for
        return row;
    }

    /// <summary>How a person reads the rep's availability now, times in the rep's own zone: "away until 2026-12-05 14:00 (Europe/Berlin)".</summary>
    public static string Describe(RepRow rep, DateTimeOffset now) => rep.Status switch
    {
        Away when rep.AwayUntil is { } until && until <= now => Available,
        Away when rep.AwayUntil is { } until => $"away until {InZone(until, rep.TimeZone)}",
        Away => "away until set back",
        _ => rep.Status,
    };

    /// <summary>A time as the rep reads it: "2026-12-05 14:00 (Europe/Berlin)".</summary>
    public static string InZone(DateTimeOffset at, string timeZone)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var found) ? found : TimeZoneInfo.Utc;
        return TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + $" ({zone.Id})";
    }
}
