using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Routing.Flows;
using Switchboard.Storage;
using Switchboard.Work;

namespace Switchboard.Distribution;

/// <summary>
/// A team as posted or merged by PATCH. <c>caps</c> limit what the members of the team receive together per
/// hour/day/week/month (each member's own day), checked by rules that target the team; <c>holidays</c>
/// (yyyy-MM-dd, in each member's time zone) are days off for every member.
/// </summary>
public sealed record TeamInput(
    string? Id,
    [property: Limit(Limits.Name)] string? Name,
    string? ManagerRepId = null,
    CapsInput? Caps = null,
    [property: Limit(Limits.ShortList)] List<string>? Holidays = null,
    SlaDocument? Sla = null)
{
    public static TeamInput From(TeamRow t) => new(
        t.Id, t.Name, t.ManagerRepId, new CapsInput(t.CapPerHour, t.CapPerDay, t.CapPerWeek, t.CapPerMonth), [.. t.Holidays],
        t.SlaJson is null ? null : JsonSerializer.Deserialize<SlaDocument>(t.SlaJson, Json.Options));

    public void ApplyTo(TeamRow row)
    {
        row.Name = Name!.Trim();
        row.ManagerRepId = ManagerRepId;
        row.CapPerHour = Caps?.PerHour;
        row.CapPerDay = Caps?.PerDay;
        row.CapPerWeek = Caps?.PerWeek;
        row.CapPerMonth = Caps?.PerMonth;
        row.Holidays = [.. (Holidays ?? []).Distinct().Order(StringComparer.Ordinal)];
        row.SlaJson = Sla is null ? null : JsonSerializer.Serialize(Sla, Json.Options);
    }

    /// <summary>
    /// Checks and stores a new team, or the changes to <paramref name="existing"/> (tracked): the team, or
    /// the fields at fault, or a conflict. The caller pokes the held-lead retrier.
    /// </summary>
    public async Task<(TeamRow? Row, FieldErrors Errors, string? Conflict)> SaveAsync(SwitchboardDb db, TeamRow? existing, DateTimeOffset now, CancellationToken ct)
    {
        var errors = await ValidateAsync(this, db, ct);
        if (errors.Any)
        {
            return (null, errors, null);
        }

        if (existing is null && await db.Teams.AnyAsync(t => t.Id == Id, ct))
        {
            return (null, errors, $"team '{Id}' already exists");
        }

        var row = existing ?? new TeamRow { Id = Id!, Name = Name!.Trim(), CreatedAt = now };
        ApplyTo(row);
        if (existing is null)
        {
            db.Teams.Add(row);
        }

        await db.SaveChangesAsync(ct);
        return (row, errors, null);
    }

    /// <summary>Removes a team nobody is in and nothing routes to; else why not.</summary>
    public static async Task<string?> RemoveAsync(SwitchboardDb db, TeamRow team, CancellationToken ct)
    {
        var members = await db.Reps.Where(r => r.TeamIds.Contains(team.Id)).Select(r => r.Id).ToListAsync(ct);
        if (members.Count > 0)
        {
            return $"team '{team.Id}' still has members ({string.Join(", ", members)}); move them first";
        }

        if (await References.UsedByAsync(db, Reference.Team, team.Id, ct) is { } usedBy)
        {
            return usedBy;
        }

        db.Teams.Remove(team);
        await db.SaveChangesAsync(ct);
        return null;
    }

    public static async Task<FieldErrors> ValidateAsync(TeamInput input, SwitchboardDb db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (input.Id is null || !RepInput.IdShape().IsMatch(input.Id))
        {
            errors.Add("id", "required: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }

        if (string.IsNullOrWhiteSpace(input.Name))
        {
            errors.Add("name", "required");
        }

        if (input.ManagerRepId is { } manager && !await db.Reps.AnyAsync(r => r.Id == manager, ct))
        {
            errors.Add("managerRepId", $"rep '{manager}' does not exist");
        }

        input.Caps?.ValidatePeriods(errors);
        if (input.Caps?.MaxOpen is not null)
        {
            errors.Add("caps.maxOpen", "max open leads is a rep cap; teams take perHour, perDay, perWeek, perMonth");
        }

        Distribution.Holidays.ValidateDates(input.Holidays, "holidays", errors);
        if (input.Sla is { } sla)
        {
            foreach (var (field, message) in SlaPolicy.Compile(sla).Errors)
            {
                errors.Add($"sla.{field}", message);
            }

            errors.AddAll(await References.MissingAsync(db, References.InSla(sla, "sla", "the team's SLA"), ct));
        }

        return errors;
    }
}
