using Microsoft.EntityFrameworkCore;
using Switchboard.Storage;

namespace Switchboard.Distribution;

/// <summary>Public holidays per region (reps follow one through <c>holidayRegion</c>): stored by the API and the admin screen alike.</summary>
public static class HolidayCalendars
{
    /// <summary>Creates or replaces a region's calendar; or the fields at fault. The caller pokes the held-lead retrier.</summary>
    public static async Task<(HolidayCalendarRow? Row, FieldErrors Errors)> SaveAsync(SwitchboardDb db, string region, string? name, IReadOnlyList<string>? dates, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (!RepInput.IdShape().IsMatch(region))
        {
            errors.Add("region", "1-64 letters, digits, '.', '_' or '-', e.g. DE-BY");
        }

        if (dates is null)
        {
            errors.Add("dates", "required: the days off, written yyyy-MM-dd");
        }

        Holidays.ValidateDates(dates, "dates", errors);
        if (errors.Any)
        {
            return (null, errors);
        }

        var row = await db.HolidayCalendars.FirstOrDefaultAsync(c => c.Region == region, ct);
        if (row is null)
        {
            row = new HolidayCalendarRow { Region = region };
            db.HolidayCalendars.Add(row);
        }

        row.Name = string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        row.Dates = [.. dates!.Distinct().Order(StringComparer.Ordinal)];
        row.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return (row, errors);
    }

    /// <summary>Removes a region's calendar; false when there was none.</summary>
    public static async Task<bool> RemoveAsync(SwitchboardDb db, string region, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await db.HolidayCalendars.FirstOrDefaultAsync(c => c.Region == region, ct);
        if (row is not null)
        {
            db.HolidayCalendars.Remove(row); // tracked, so the audit log keeps what it was
            await db.SaveChangesAsync(ct);
            await db.RoutingChangedAsync(ct);
        }

        await tx.CommitAsync(ct);
        return row is not null;
    }
}
