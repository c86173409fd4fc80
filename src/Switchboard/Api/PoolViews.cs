using System.Text.Json;
using Switchboard.Storage;
using Switchboard.Pools;
using Switchboard.Views;

namespace Switchboard.Api;

public sealed record PoolView(
    string Id,
    string Name,
    string Mode,
    IReadOnlyList<string> MemberTeamIds,
    IReadOnlyList<string> MemberRepIds,
    IReadOnlyList<string> VisibleFields,
    string? Condition,
    ClaimLimitsInput? ClaimLimits,
    EscalationInput? Escalation,
    int Waiting,
    DateTimeOffset CreatedAt)
{
    public static PoolView From(PoolRow p, int waiting)
    {
        var input = PoolInput.From(p);
        return new(p.Id, p.Name, p.Mode, p.MemberTeamIds, p.MemberRepIds, p.VisibleFields, p.Condition, input.ClaimLimits, input.Escalation, waiting, p.CreatedAt);
    }
}

/// <summary>A lead waiting in a pool, as members see it before claiming: its id, its age, the pool's visible fields.</summary>
public sealed record PooledLeadView(string LeadId, long AgeSeconds, Dictionary<string, JsonElement?> Fields);

public sealed record ClaimInput(string? LeadId = null);

/// <summary>A won claim: the lead, whole, now the caller's.</summary>
public sealed record ClaimResult(string LeadId, LeadView Lead);
