using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Storage;

namespace Switchboard.Capture;

/// <summary>
/// One new lead waiting to be captured — cleaned by the caller's thread, its id and moment given when its
/// turn comes — who sent it, and the caller's Idempotency-Key (with a hash of the body) when there is one.
/// </summary>
public sealed record CaptureRequest(
    LeadRow Lead, string Actor, string How, string? ApiKeyId = null, string? IdempotencyKey = null, string? RequestHash = null);

/// <summary>The answer to one capture: 201 (new), 200 (the same person again, or a replay), or 422.</summary>
/// <param name="Refused">A lead the intake rules do not take at all (no way to reach the person): the field and why; nothing stored.</param>
public sealed record CaptureAnswer(int Status, string Json, (string Field, string Reason)? Refused = null);

/// <summary>
/// Group commit for leads arriving over HTTP (the API and website forms): whatever is waiting is
/// captured and routed in arrival order in one routing transaction, and each caller is answered only
/// after that commit. One fsync and one read of the routing state serve the whole group; a quiet
/// service routes groups of one. A lead whose capture fails in a group is tried again alone, so an
/// error fails that lead only.
/// </summary>
public sealed class CaptureQueue(IServiceScopeFactory scopes, LeadCapture capture, TimeProvider time, ILogger<CaptureQueue> log)
    : GroupCommit<CaptureRequest, CaptureAnswer>(log, MaxGroup, capacity: 8192)
{
    /// <summary>At most this many leads share one transaction (like the baseline's group commit).</summary>
    public const int MaxGroup = 256;

    /// <summary>Queues the lead and waits for its commit.</summary>
    public Task<CaptureAnswer> CaptureAsync(CaptureRequest request, CancellationToken ct) => SubmitAsync(request, ct);

    /// <summary>One transaction for the group: idempotency look-ups, capture and routing in arrival order, one save, one commit.</summary>
    protected override async Task<CaptureAnswer[]> CommitAsync(IReadOnlyList<CaptureRequest> group, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        await using var tx = await db.BeginRoutingTransactionAsync(ct, captures: true);

        var keyed = group.Where(r => r.IdempotencyKey is not null).ToList();
        var seen = new Dictionary<(string?, string), (string? Hash, int Status, string Json)>();
        if (keyed.Count > 0)
        {
            await tx.LockAsync(keyed.Select(r => $"idempotency:{r.ApiKeyId}|{r.IdempotencyKey}"), ct);
            var keys = keyed.Select(r => r.IdempotencyKey!).Distinct().ToList();
            foreach (var row in await db.IdempotencyKeys.AsNoTracking().Where(i => keys.Contains(i.Key)).ToListAsync(ct))
            {
                seen[(row.ApiKeyId, row.Key)] = (row.RequestHash, row.StatusCode, row.ResponseJson);
            }
        }

        var answers = new CaptureAnswer?[group.Count];
        var leads = new LeadRow?[group.Count];
        var firstInGroup = new Dictionary<(string?, string), int>();
        for (var i = 0; i < group.Count; i++)
        {
            var r = group[i];
            if (r.IdempotencyKey is { } key)
            {
                if (seen.TryGetValue((r.ApiKeyId, key), out var earlier))
                {
                    answers[i] = earlier.Hash == r.RequestHash ? new CaptureAnswer(earlier.Status, earlier.Json) : Conflict;
                    continue;
                }

                if (!firstInGroup.TryAdd((r.ApiKeyId, key), i))
                {
                    continue; // a copy of a request earlier in this group: answered as that one is, below
                }
            }

            leads[i] = r.Lead.Copy();
        }

        var batch = await capture.BeginAsync(db, [.. leads.OfType<LeadRow>()], time.GetUtcNow(), ct);

        // Each lead's moment and id are made in turn once the locks are held (on PostgreSQL, those
        // BeginAsync took): the order leads are routed in is their creation order, and the ids keep it
        // where timestamps tie.
        foreach (var lead in leads.OfType<LeadRow>())
        {
            var at = time.GetUtcNow();
            lead.Id = LeadIds.Next(at);
            lead.CreatedAt = lead.UpdatedAt = at;
        }

        for (var i = 0; i < group.Count; i++)
        {
            if (leads[i] is not { } lead)
            {
                continue;
            }

            var r = group[i];
            if (batch.IntakeRules.Refuse(lead.Email, lead.Phone) is { } refused)
            {
                answers[i] = new CaptureAnswer(StatusCodes.Status400BadRequest, "", refused);
                continue;
            }

            var captured = await capture.CaptureOrMergeAsync(db, batch, lead, r.Actor, r.How, lead.CreatedAt, ct);
            var json = JsonSerializer.Serialize(captured.ToResponse(), Json.Options);
            answers[i] = new CaptureAnswer(captured.Duplicate ? StatusCodes.Status200OK : StatusCodes.Status201Created, json);
            if (r.IdempotencyKey is { } key)
            {
                db.IdempotencyKeys.Add(new IdempotencyRow
                {
                    ApiKeyId = r.ApiKeyId!, Key = key, RequestHash = r.RequestHash!, StatusCode = answers[i]!.Status, ResponseJson = json, At = lead.CreatedAt,
                });
            }
        }

        for (var i = 0; i < group.Count; i++)
        {
            if (answers[i] is null && group[i] is { IdempotencyKey: { } key } r)
            {
                var first = firstInGroup[(r.ApiKeyId, key)];
                answers[i] = group[first].RequestHash == r.RequestHash ? answers[first] : Conflict;
            }
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return [.. answers.Select(a => a!)];
    }

    /// <summary>The same Idempotency-Key with another body.</summary>
    private static readonly CaptureAnswer Conflict = new(StatusCodes.Status422UnprocessableEntity, "");
}
