namespace Switchboard.Routing.Lifecycle;

/// <summary>Where a lead is in its life; stored and served by its lower-case name (<see cref="LeadStatuses.Name"/>).</summary>
public enum LeadStatus
{
    New,
    Held,
    Pooled,
    Offered,
    Assigned,
    Accepted,
    Contacted,
    Qualified,
    Meeting,
    Proposal,
    Won,
    Lost,
    Recycled,
    Disqualified,
}

/// <summary>The names and groups of <see cref="LeadStatus"/>, written once.</summary>
public static class LeadStatuses
{
    private static readonly string[] Names = [.. Enum.GetValues<LeadStatus>().Select(s => s.ToString().ToLowerInvariant())];

    public static IReadOnlyList<LeadStatus> All { get; } = Enum.GetValues<LeadStatus>();

    /// <summary>Statuses that count as a rep's open work (load and max-open caps) while they own the lead.</summary>
    public static IReadOnlyList<LeadStatus> Open { get; } =
        [LeadStatus.Offered, LeadStatus.Assigned, LeadStatus.Accepted, LeadStatus.Contacted, LeadStatus.Qualified, LeadStatus.Meeting, LeadStatus.Proposal];

    /// <summary>Statuses that count as converted (top-performer's conversion rate, reports).</summary>
    public static IReadOnlyList<LeadStatus> Converted { get; } = [LeadStatus.Qualified, LeadStatus.Won];

    /// <summary>Statuses the owner may move their lead to.</summary>
    public static IReadOnlyList<LeadStatus> Work { get; } =
        [LeadStatus.Contacted, LeadStatus.Qualified, LeadStatus.Meeting, LeadStatus.Proposal, LeadStatus.Won, LeadStatus.Lost, LeadStatus.Recycled];

    public static string Name(this LeadStatus status) => Names[(int)status];

    public static bool TryParse(string? name, out LeadStatus status)
    {
        var i = name is null ? -1 : Array.IndexOf(Names, name);
        status = i < 0 ? default : (LeadStatus)i;
        return i >= 0;
    }

    /// <summary>The status of a stored name; a name that is none is a corrupt row, not a user's mistake.</summary>
    public static LeadStatus Parse(string name) =>
        TryParse(name, out var status) ? status : throw new FormatException($"'{name}' is not a lead status");

    public static bool IsOpen(this LeadStatus status) => status is >= LeadStatus.Offered and <= LeadStatus.Proposal;

    /// <summary>Reaching any of these means someone got in touch with the lead.</summary>
    public static bool MeansTouched(this LeadStatus status) => status is >= LeadStatus.Contacted and <= LeadStatus.Proposal;

    /// <summary>The owner's work on the lead is over (its clocks stop).</summary>
    public static bool EndsWork(this LeadStatus status) => status is LeadStatus.Won or LeadStatus.Lost or LeadStatus.Recycled;

    /// <summary>Nobody owns a lead in these; it is worked once someone does.</summary>
    public static bool AwaitsOwner(this LeadStatus status) => status is LeadStatus.New or LeadStatus.Held or LeadStatus.Pooled or LeadStatus.Offered;

    /// <summary>"one of new, held, …" for an error naming the accepted values.</summary>
    public static string OneOf(IEnumerable<LeadStatus> statuses) => "one of " + string.Join(", ", statuses.Select(Name));
}
