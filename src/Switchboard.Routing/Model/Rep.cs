using System.Globalization;

namespace Switchboard.Routing.Model;

public enum RepStatus
{
    Available,
    Away,
    Offline,
}

/// <summary>Limits on how many leads a rep receives. Null means unlimited.</summary>
public sealed record RepCaps(int? PerHour = null, int? PerDay = null, int? PerWeek = null, int? PerMonth = null, int? MaxOpen = null)
{
    public static readonly RepCaps None = new();
}

/// <summary>Who a rep is: stable settings an admin edits.</summary>
public sealed record Rep
{
    public required string Id { get; init; }
    public string Name { get; init; } = "";
    public IReadOnlyList<string> TeamIds { get; init; } = [];
    public IReadOnlyList<string> Skills { get; init; } = [];
    public IReadOnlyList<string> Languages { get; init; } = [];
    public IReadOnlyList<string> Territories { get; init; } = [];

    /// <summary>Share in weighted strategies. The default value is 1.</summary>
    public int Weight { get; init; } = 1;

    /// <summary>A tier name (e.g. senior, junior) that <c>score-tiers</c> routes by.</summary>
    public string? Seniority { get; init; }
    public string TimeZone { get; init; } = "UTC";

    /// <summary>When the rep works, in their own time zone. The default value is null: no restriction.</summary>
    public WorkingHours? WorkingHours { get; init; }
    public RepCaps Caps { get; init; } = RepCaps.None;

    /// <summary>Days off (in the rep's time zone) from their teams' and region's calendars, each with where it comes from.</summary>
    public IReadOnlyDictionary<DateOnly, string> Holidays { get; init; } = NoHolidays;
    public RepStatus Status { get; init; } = RepStatus.Available;

    /// <summary>An away rep whose <c>AwayUntil</c> has passed counts as available again.</summary>
    public DateTimeOffset? AwayUntil { get; init; }
    public bool Active { get; init; } = true;

    private static readonly IReadOnlyDictionary<DateOnly, string> NoHolidays = new Dictionary<DateOnly, string>();
}

/// <summary>
/// How loaded a rep (or a team) is right now; counted by the host, in the rep's own time zone.
/// <c>History</c> holds outcomes over the trailing windows the flow's strategies asked for.
/// </summary>
public sealed record RepLoad(
    int OpenLeads = 0,
    int AssignedThisHour = 0,
    int AssignedToday = 0,
    int AssignedThisWeek = 0,
    int AssignedThisMonth = 0,
    DateTimeOffset? LastAssignedAt = null,
    IReadOnlyDictionary<TimeSpan, RepHistory>? History = null)
{
    public static readonly RepLoad Zero = new();

    public RepHistory In(TimeSpan window) => History is not null && History.TryGetValue(window, out var h) ? h : RepHistory.None;

    /// <summary>The load after one more lead assigned at <paramref name="at"/>: what the host would count if it read again.</summary>
    public RepLoad AfterAssignment(DateTimeOffset at) => this with
    {
        OpenLeads = OpenLeads + 1,
        AssignedThisHour = AssignedThisHour + 1,
        AssignedToday = AssignedToday + 1,
        AssignedThisWeek = AssignedThisWeek + 1,
        AssignedThisMonth = AssignedThisMonth + 1,
        LastAssignedAt = at,
        History = History?.ToDictionary(h => h.Key, h => h.Value with { Assigned = h.Value.Assigned + 1 }),
    };
}

/// <summary>Leads assigned to a rep within a trailing window, and how they ended so far.</summary>
public sealed record RepHistory(int Assigned, int Converted, int Won, int Lost)
{
    public static readonly RepHistory None = new(0, 0, 0, 0);
}

/// <summary>A team's caps and its counters (in the team's time zone); members are skipped while the team is at a cap.</summary>
public sealed record TeamState(string Id, RepCaps Caps, RepLoad Load);

/// <summary>A rep plus their current load: what eligibility and strategies look at.</summary>
public sealed record RepState(Rep Rep, RepLoad Load)
{
    public string Id => Rep.Id;
}

/// <summary>A block of working time within one day; <c>End</c> null means until midnight.</summary>
public readonly record struct TimeBlock(TimeOnly Start, TimeOnly? End)
{
    public bool Contains(TimeOnly t) => t >= Start && (End is not { } end || t < end);

    public override string ToString() =>
        Start.ToString("HH:mm", CultureInfo.InvariantCulture) + "-" + (End is { } end ? end.ToString("HH:mm", CultureInfo.InvariantCulture) : "24:00");
}

/// <summary>Working blocks per weekday, read in the rep's time zone. A day without blocks is a day off.</summary>
public sealed record WorkingHours(IReadOnlyDictionary<DayOfWeek, IReadOnlyList<TimeBlock>> Days)
{
    public bool IsWorking(DateTime local) =>
        Days.TryGetValue(local.DayOfWeek, out var blocks) && blocks.Any(b => b.Contains(TimeOnly.FromDateTime(local)));

    public string Describe(DayOfWeek day) =>
        Days.TryGetValue(day, out var blocks) && blocks.Count > 0 ? string.Join(", ", blocks) : "day off";
}
