using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Distribution;
using Switchboard.Routing.Model;
using Switchboard.Storage;
using Switchboard.Work;

namespace Switchboard.Api;

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
    public string? Name { get; init; }
    public string? Email { get; init; }
    public List<string>? TeamIds { get; init; }
    public List<string>? Skills { get; init; }
    public List<string>? Languages { get; init; }
    public List<string>? Territories { get; init; }
    public int? Weight { get; init; }
    public string? Seniority { get; init; }
    public string? TimeZone { get; init; }
    public string? HolidayRegion { get; init; }
    public Dictionary<string, List<List<string>>>? WorkingHours { get; init; }
    public CapsInput? Caps { get; init; }
    public string? Status { get; init; }
    public DateTimeOffset? AwayUntil { get; init; }
    public bool? Active { get; init; }

    private static readonly string[] Days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    private static readonly string[] Statuses = ["available", "away", "offline"];

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

        if (Status is not null && !Statuses.Contains(Status))
        {
            errors.Add("status", "one of available, away, offline");
        }
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

public sealed record RepLoadView(int OpenLeads, int AssignedThisHour, int AssignedToday, int AssignedThisWeek, int AssignedThisMonth, DateTimeOffset? LastAssignedAt);

/// <summary>
/// Where a rep stands in one rule's fairness ledger: leads received minus their target share (negative:
/// owed), whether they were away at the rule's last assignment, catch-up turns to come, turns to wait.
/// </summary>
public sealed record RepBalanceView(string Rule, double Balance, bool Absent, int ExtraTurns, int Waiting);

public sealed record RepView(
    string Id,
    string Name,
    string? Email,
    IReadOnlyList<string> TeamIds,
    IReadOnlyList<string> Skills,
    IReadOnlyList<string> Languages,
    IReadOnlyList<string> Territories,
    int Weight,
    string? Seniority,
    string TimeZone,
    string? HolidayRegion,
    Dictionary<string, List<List<string>>>? WorkingHours,
    CapsInput Caps,
    string Status,
    DateTimeOffset? AwayUntil,
    bool Active,
    RepLoadView? Load,
    IReadOnlyList<RepBalanceView>? Fairness,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static RepView From(RepRow r, RepLoad? load, IReadOnlyList<RepBalanceView>? fairness = null)
    {
        var input = RepInput.From(r);
        return new RepView(r.Id, r.Name, r.Email, r.TeamIds, r.Skills, r.Languages, r.Territories, r.Weight, r.Seniority, r.TimeZone, r.HolidayRegion,
            input.WorkingHours, input.Caps!, r.Status, r.AwayUntil, r.Active,
            load is null ? null : new RepLoadView(load.OpenLeads, load.AssignedThisHour, load.AssignedToday, load.AssignedThisWeek, load.AssignedThisMonth, load.LastAssignedAt),
            fairness, r.CreatedAt, r.UpdatedAt);
    }
}

/// <summary><c>/api/reps</c>: who receives leads.</summary>
public static class RepsApi
{
    public static RouteGroupBuilder MapRepsApi(this RouteGroupBuilder api)
    {
        var reps = api.MapGroup("/reps").WithTags("Reps");
        reps.MapPost("/", CreateRep).RequireAuthorization(Policies.Admin).Accepts<RepInput>("application/json");
        reps.MapGet("/", ListReps).RequireAuthorization(Policies.AdminOrManager);
        reps.MapGet("/{id}", GetRep);
        reps.MapPatch("/{id}", PatchRep).Accepts<RepInput>("application/json");
        reps.MapDelete("/{id}", DeactivateRep).RequireAuthorization(Policies.Admin);
        return api;
    }

    public static async Task<Results<Created<RepView>, ValidationProblem, ProblemHttpResult>> CreateRep(
        HttpRequest request, SwitchboardDb db, TimeProvider time, HeldLeadRetrier retrier, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<RepInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        await input!.ValidateAsync(db, errors, ct);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        if (await db.Reps.AnyAsync(r => r.Id == input.Id, ct))
        {
            return Problems.Conflict($"rep '{input.Id}' already exists");
        }

        var now = time.GetUtcNow();
        var row = new RepRow { Id = input.Id!, Name = input.Name!, CreatedAt = now };
        input.ApplyTo(row, now);
        db.Reps.Add(row);
        await db.SaveChangesAsync(ct);
        retrier.Poke();
        return TypedResults.Created($"/api/reps/{row.Id}", RepView.From(row, RepLoad.Zero));
    }

    public static async Task<Ok<List<RepView>>> ListReps(HttpContext http, SwitchboardDb db, string? teamId, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var query = db.Reps.AsNoTracking();
        if (teamId is not null)
        {
            query = query.Where(r => r.TeamIds.Contains(teamId));
        }

        var rows = await query.OrderBy(r => r.Id).ToListAsync(ct);
        if (!caller.IsAdmin)
        {
            rows = [.. rows.Where(r => r.TeamIds.Intersect(caller.TeamIds).Any())];
        }

        return TypedResults.Ok(rows.Select(r => RepView.From(r, null)).ToList());
    }

    public static async Task<Results<Ok<RepView>, ProblemHttpResult>> GetRep(
        string id, HttpContext http, SwitchboardDb db, TimeProvider time, CancellationToken ct)
    {
        var row = await db.Reps.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (row is null || !MaySee(Caller.From(http.User), row))
        {
            return NotFound(id);
        }

        var states = await LeadRouting.LoadRepStatesAsync(db, time.GetUtcNow(), ct);
        var rules = await db.StrategyStates.AsNoTracking().Where(s => s.Key.StartsWith("rule:")).OrderBy(s => s.Key).ToListAsync(ct);
        var fairness = rules.Select(r => (Rule: Switchboard.Routing.Flows.CompiledRule.RuleOf(r.Key), State: LeadRouting.ToState(r)))
            .Where(r => r.State.Balances.ContainsKey(id))
            .Select(r => new RepBalanceView(r.Rule, Math.Round(r.State.Balances[id], 3), r.State.Absent.Contains(id),
                r.State.ExtraTurns.GetValueOrDefault(id), r.State.Waiting.GetValueOrDefault(id)))
            .ToList();
        return TypedResults.Ok(RepView.From(row, states.First(s => s.Id == id).Load, fairness));
    }

    public static async Task<Results<Ok<RepView>, ValidationProblem, ProblemHttpResult>> PatchRep(
        string id, HttpRequest request, HttpContext http, SwitchboardDb db, TimeProvider time, HeldLeadRetrier retrier, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var row = await db.Reps.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (row is null || !MaySee(caller, row) || caller.Role == Roles.Integration)
        {
            return NotFound(id);
        }

        JsonObject? patch;
        try
        {
            patch = await JsonNode.ParseAsync(request.Body, cancellationToken: ct) as JsonObject;
        }
        catch (JsonException e)
        {
            return Problems.Field("body", $"malformed JSON: {e.Message}");
        }

        if (patch is null)
        {
            return Problems.Field("body", "a JSON object is required");
        }

        // A rep may set their own availability, nothing else.
        if (caller.Role == Roles.Rep && patch.Select(p => p.Key).Except(["status", "awayUntil"]).FirstOrDefault() is { } forbidden)
        {
            return Problems.Field(forbidden, "a rep may only change their own status and awayUntil");
        }

        var (input, problem) = JsonBody.MergePatch(RepInput.From(row), patch, id, "a rep");
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        await input!.ValidateAsync(db, errors, ct);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        input.ApplyTo(row, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        retrier.Poke(); // a rep back from away may be just who a held lead waits for
        return TypedResults.Ok(RepView.From(row, null));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeactivateRep(string id, SwitchboardDb db, TimeProvider time, CancellationToken ct)
    {
        var row = await db.Reps.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (row is null)
        {
            return NotFound(id);
        }

        if (await References.UsedByAsync(db, Reference.Rep, id, ct) is { } usedBy)
        {
            return Problems.Conflict(usedBy);
        }

        // Reps are deactivated, not erased: their leads, decisions and timelines keep pointing at them.
        row.Active = false;
        row.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static bool MaySee(Caller caller, RepRow rep) => caller.Role switch
    {
        Roles.Admin => true,
        Roles.Manager => rep.TeamIds.Intersect(caller.TeamIds).Any(),
        Roles.Rep => caller.RepId == rep.Id,
        _ => false,
    };

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound($"no rep '{id}'");
}
