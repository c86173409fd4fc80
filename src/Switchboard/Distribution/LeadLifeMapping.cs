using System.Text.Json;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Lifecycle;
using Switchboard.Storage;

namespace Switchboard.Distribution;

/// <summary>A stored lead's lifecycle part, to and from the engine's <see cref="LeadLife"/>.</summary>
public static class LeadLifeMapping
{
    public static LeadLife Life(this LeadRow row) => new()
    {
        Status = row.Status,
        CreatedAt = row.CreatedAt,
        OwnerRepId = row.OwnerRepId,
        AssignedAt = row.AssignedAt,
        AcceptedAt = row.AcceptedAt,
        HeldSince = row.HeldSince,
        PoolId = row.PoolId,
        PooledAt = row.PooledAt,
        PoolEscalatedAt = row.PoolEscalatedAt,
        ClaimedFromPoolId = row.ClaimedFromPoolId,
        OfferedRepIds = row.OfferedRepIds,
        OfferExpiresAt = row.OfferExpiresAt,
        ExcludedRepIds = row.ExcludedRepIds,
        FirstTouchAt = row.FirstTouchAt,
        LastActivityAt = row.LastActivityAt,
        Sla = row.SlaJson is null ? null : JsonSerializer.Deserialize<SlaPolicy>(row.SlaJson, Json.Options),
        AcceptDueAt = row.AcceptDueAt,
        TouchDueAt = row.TouchDueAt,
        RemindAt = row.RemindAt,
        StaleCheckAt = row.StaleCheckAt,
        StaleStage = row.StaleStage,
        Value = row.Value,
        LostReason = row.LostReason,
    };

    /// <summary>Writes the lifecycle part back onto the tracked row (EF Core saves only what differs).</summary>
    public static void Apply(this LeadRow row, LeadLife life, DateTimeOffset now)
    {
        row.Status = life.Status;
        row.OwnerRepId = life.OwnerRepId;
        row.AssignedAt = life.AssignedAt;
        row.AcceptedAt = life.AcceptedAt;
        row.HeldSince = life.HeldSince;
        row.PoolId = life.PoolId;
        row.PooledAt = life.PooledAt;
        row.PoolEscalatedAt = life.PoolEscalatedAt;
        row.ClaimedFromPoolId = life.ClaimedFromPoolId;
        row.OfferedRepIds = Array(life.OfferedRepIds);
        row.OfferExpiresAt = life.OfferExpiresAt;
        row.ExcludedRepIds = Array(life.ExcludedRepIds);
        row.FirstTouchAt = life.FirstTouchAt;
        row.LastActivityAt = life.LastActivityAt;
        row.SlaJson = life.Sla is null ? null : JsonSerializer.Serialize(life.Sla, Json.Options);
        row.AcceptDueAt = life.AcceptDueAt;
        row.TouchDueAt = life.TouchDueAt;
        row.RemindAt = life.RemindAt;
        row.StaleCheckAt = life.StaleCheckAt;
        row.StaleStage = life.StaleStage;
        row.Value = life.Value;
        row.LostReason = life.LostReason;
        row.UpdatedAt = now;
    }

    /// <summary>The row's own array when the lifecycle kept it, else a copy.</summary>
    private static string[] Array(IReadOnlyList<string> ids) => ids as string[] ?? [.. ids];
}
