using Switchboard.Distribution;
using Switchboard.Routing.Model;
using Switchboard.Storage;

namespace Switchboard.Api;

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
