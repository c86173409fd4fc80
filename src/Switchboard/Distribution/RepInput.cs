using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Switchboard.Storage;

namespace Switchboard.Distribution;

public sealed record CapsInput(int? PerHour = null, int? PerDay = null, int? PerWeek = null, int? PerMonth = null, int? MaxOpen = null)
{
    /// <summary>Per-period caps (hour, day, week, month) must not be negative; shared by reps and teams.</summary>
    public void ValidatePeriods(FieldErrors errors)
    {
        foreach (var (name, value) in new[] { ("perHour", PerHour), ("perDay", PerDay), ("perWeek", PerWeek), ("perMonth", PerMonth) })
        {
            if (value is < 0)
            {
                errors.Add($"caps.{name}", "must be 0 or more");
            }
        }
    }
}

/// <summary>A rep as posted to <c>POST /api/reps</c> or merged by <c>PATCH /api/reps/{id}</c>.</summary>
public sealed partial record RepInput
{
    public string? Id { get; init; }
    [Limit(Limits.Name)] public string? Name { get; init; }
    [Limit(Limits.Name)] public string? Email { get; init; }
    [Limit(Limits.ShortList)] public List<string>? TeamIds { get; init; }
    [Limit(Limits.ShortList)] public List<string>? Skills { get; init; }
    [Limit(Limits.ShortList)] public List<string>? Languages { get; init; }
    [Limit(Limits.ShortList)] public List<string>? Territories { get; init; }
    public int? Weight { get; init; }
    [Limit(Limits.Name)] public string? Seniority { get; init; }
    public string? TimeZone { get; init; }
    public string? HolidayRegion { get; init; }
    public Dictionary<string, List<List<string>>>? WorkingHours { get; init; }
    public CapsInput? Caps { get; init; }
    public string? Status { get; init; }
    public DateTimeOffset? AwayUntil { get; init; }
    public bool? Active { get; init; }

    private static readonly string[] Days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    public static partial Regex IdShape();

    public async Task ValidateAsync(SwitchboardDb db, FieldErrors errors, CancellationToken ct)
    {
        if (Id is null || !IdShape().IsMatch(Id))
        {
            errors.Add("id", "required: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }

        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add("name", "required");
        }
        else if (Name.Length > 200)
        {
            errors.Add("name", "longer than 200 characters");
        }

        if (Email is not null && !Email.Contains('@', StringComparison.Ordinal))
        {
            errors.Add("email", "not an email address");
        }

        if (TeamIds is { Count: > 0 })
        {
            var known = await db.Teams.Where(t => TeamIds.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct);
            foreach (var missing in TeamIds.Except(known))
            {
                errors.Add("teamIds", $"team '{missing}' does not exist");
            }
        }

        if (Weight is < 1 or > 1000)
        {
            errors.Add("weight", "must be between 1 and 1000");
        }

        if (TimeZone is not null && !System.TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            errors.Add("timeZone", $"'{TimeZone}' is not an IANA time zone (e.g. Europe/Berlin)");
        }

        if (WorkingHours is not null)
        {
            foreach (var (day, blocks) in WorkingHours)
            {
                if (!Days.Contains(day))
                {
                    errors.Add($"workingHours.{day}", "days are mon, tue, wed, thu, fri, sat, sun");
                    continue;
                }

                foreach (var block in blocks)
                {
                    if (block is not [var from, var to] ||
                        !TimeOnly.TryParseExact(from, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start) ||
                        !(TimeOnly.TryParseExact(to, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end) || to == "24:00") ||
                        (to != "24:00" && end == start))
                    {
                        errors.Add($"workingHours.{day}", "each block is [\"HH:mm\", \"HH:mm\"], e.g. [\"09:00\", \"17:00\"]; an end before the start runs past midnight, e.g. [\"22:00\", \"06:00\"]");
                    }
                }
            }
        }

        Caps?.ValidatePeriods(errors);
        if (Caps?.MaxOpen is < 0)
        {
            errors.Add("caps.maxOpen", "must be 0 or more");
        }

        if (RepAvailability.Problem(Status) is { } problem)
        {
            errors.Add("status", problem);
        }
    }

    /// <summary>
    /// Checks and stores a new rep, or the changes to <paramref name="existing"/> (tracked): the rep, or
    /// the fields at fault, or a conflict. The caller pokes the held-lead retrier.
    /// </summary>
    public async Task<(RepRow? Row, FieldErrors Errors, string? Conflict)> SaveAsync(SwitchboardDb db, RepRow? existing, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors();
        await ValidateAsync(db, errors, ct);
        if (errors.Any)
        {
            return (null, errors, null);
        }

        if (existing is null && await db.Reps.AnyAsync(r => r.Id == Id, ct))
        {
            return (null, errors, $"rep '{Id}' already exists");
        }

        var row = existing ?? new RepRow { Id = Id!, Name = Name!, CreatedAt = now };
        ApplyTo(row, now);
        if (existing is null)
        {
            db.Reps.Add(row);
        }

        await db.SaveChangesAsync(ct);
        return (row, errors, null);
    }

    public void ApplyTo(RepRow row, DateTimeOffset now)
    {
        row.Name = Name!.Trim();
        row.Email = Email?.Trim();
        row.TeamIds = [.. (TeamIds ?? []).Distinct()];
        row.Skills = [.. (Skills ?? []).Select(s => s.Trim()).Distinct()];
        row.Languages = [.. (Languages ?? []).Select(s => s.Trim()).Distinct()];
        row.Territories = [.. (Territories ?? []).Select(s => s.Trim()).Distinct()];
        row.Weight = Weight ?? 1;
        row.Seniority = Seniority;
        row.TimeZone = TimeZone ?? "UTC";
        row.HolidayRegion = HolidayRegion?.Trim();
        row.WorkingHoursJson = WorkingHours is null ? null : JsonSerializer.Serialize(WorkingHours, Json.Options);
        row.CapPerHour = Caps?.PerHour;
        row.CapPerDay = Caps?.PerDay;
        row.CapPerWeek = Caps?.PerWeek;
        row.CapPerMonth = Caps?.PerMonth;
        row.CapMaxOpen = Caps?.MaxOpen;
        row.Status = Status ?? "available";
        row.AwayUntil = AwayUntil?.ToUniversalTime();
        row.Active = Active ?? true;
        row.UpdatedAt = now;
    }

    public static RepInput From(RepRow r) => new()
    {
        Id = r.Id,
        Name = r.Name,
        Email = r.Email,
        TeamIds = [.. r.TeamIds],
        Skills = [.. r.Skills],
        Languages = [.. r.Languages],
        Territories = [.. r.Territories],
        Weight = r.Weight,
        Seniority = r.Seniority,
        TimeZone = r.TimeZone,
        HolidayRegion = r.HolidayRegion,
        WorkingHours = r.WorkingHoursJson is null ? null : JsonSerializer.Deserialize<Dictionary<string, List<List<string>>>>(r.WorkingHoursJson, Json.Options),
        Caps = new CapsInput(r.CapPerHour, r.CapPerDay, r.CapPerWeek, r.CapPerMonth, r.CapMaxOpen),
        Status = r.Status,
        AwayUntil = r.AwayUntil,
        Active = r.Active,
    };
}
