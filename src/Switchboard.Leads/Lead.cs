namespace Switchboard.Leads;

/// <summary>A lead as the engine sees it: contact, company, location and custom attributes.</summary>
public sealed record Lead
{
    public required string Id { get; init; }
    public string? Source { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? Title { get; init; }
    public Company Company { get; init; } = Company.Empty;
    public string? Country { get; init; }
    public string? Region { get; init; }
    public string? City { get; init; }
    public string? PostalCode { get; init; }
    public string? Language { get; init; }
    public string? ProductInterest { get; init; }
    public decimal? Value { get; init; }
    public int? Score { get; init; }

    /// <summary>When the lead arrived; strategies that relax with waiting time measure from here.</summary>
    public DateTimeOffset? ReceivedAt { get; init; }

    /// <summary>Since when the lead has been held (null when it is not held); bounds a rule's <c>holdFor</c>.</summary>
    public DateTimeOffset? HeldSince { get; init; }

    /// <summary>
    /// Reps who passed this lead on — declined it, let an offer expire, breached its SLA, had it reassigned
    /// away: not given it again.
    /// </summary>
    public IReadOnlyList<string> ExcludedRepIds { get; init; } = [];

    /// <summary>Why each excluded rep passed the lead on, as the trace shows it; the host reads it from the timeline.</summary>
    public IReadOnlyDictionary<string, string>? ExclusionReasons { get; init; }

    /// <summary>The owner of the lead's account or of an earlier lead of the same company, found by the host.</summary>
    public AccountMatch? Account { get; init; }

    /// <summary>Custom attributes; values are strings, numbers (double), booleans or null.</summary>
    public IReadOnlyDictionary<string, object?> Attributes { get; init; } = EmptyAttributes;

    private static readonly IReadOnlyDictionary<string, object?> EmptyAttributes = new Dictionary<string, object?>();
}

public sealed record Company
{
    public static readonly Company Empty = new();
    public string? Name { get; init; }
    public string? Domain { get; init; }
    public int? Employees { get; init; }
    public string? Industry { get; init; }
    public decimal? AnnualRevenue { get; init; }
}

/// <summary>An earlier owner of the lead's company, and how the match was made (for the trace).</summary>
public sealed record AccountMatch(string OwnerRepId, string MatchedBy);
