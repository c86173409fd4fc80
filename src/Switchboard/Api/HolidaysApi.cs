using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Distribution;
using Switchboard.Storage;
using Switchboard.Work;

namespace Switchboard.Api;

public sealed record HolidayCalendarInput([property: Limit(Limits.Name)] string? Name, [property: Limit(Limits.LongList)] List<string>? Dates);

public sealed record HolidayCalendarView(string Region, string? Name, IReadOnlyList<string> Dates, DateTimeOffset UpdatedAt)
{
    public static HolidayCalendarView From(HolidayCalendarRow r) => new(r.Region, r.Name, r.Dates, r.UpdatedAt);
}

/// <summary><c>/api/holidays/{region}</c>: public holidays per region; reps follow one through <c>holidayRegion</c>.</summary>
public static class HolidaysApi
{
    public static RouteGroupBuilder MapHolidaysApi(this RouteGroupBuilder api)
    {
        var holidays = api.MapGroup("/holidays").WithTags("Holidays");
        holidays.MapGet("/", ListCalendars);
        holidays.MapGet("/{region}", GetCalendar);
        holidays.MapPut("/{region}", PutCalendar).Accepts<HolidayCalendarInput>("application/json");
        holidays.MapDelete("/{region}", DeleteCalendar);
        return api;
    }

    public static async Task<Ok<List<HolidayCalendarView>>> ListCalendars(SwitchboardDb db, CancellationToken ct) =>
        TypedResults.Ok((await db.HolidayCalendars.AsNoTracking().OrderBy(c => c.Region).ToListAsync(ct)).Select(HolidayCalendarView.From).ToList());

    public static async Task<Results<Ok<HolidayCalendarView>, ProblemHttpResult>> GetCalendar(string region, SwitchboardDb db, CancellationToken ct) =>
        await db.HolidayCalendars.AsNoTracking().FirstOrDefaultAsync(c => c.Region == region, ct) is { } row
            ? TypedResults.Ok(HolidayCalendarView.From(row))
            : Problems.NotFound($"no holiday calendar '{region}'");

    /// <summary>Creates or replaces a region's calendar.</summary>
    public static async Task<Results<Ok<HolidayCalendarView>, ValidationProblem>> PutCalendar(
        string region, HttpRequest request, SwitchboardDb db, TimeProvider time, HeldLeadRetrier retrier, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<HolidayCalendarInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        var (row, errors) = await HolidayCalendars.SaveAsync(db, region, input!.Name, input.Dates, time.GetUtcNow(), ct);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        retrier.Poke();
        return TypedResults.Ok(HolidayCalendarView.From(row!));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteCalendar(string region, SwitchboardDb db, CancellationToken ct)
    {
        var deleted = await HolidayCalendars.RemoveAsync(db, region, ct);
        return deleted ? TypedResults.NoContent() : Problems.NotFound($"no holiday calendar '{region}'");
    }
}
