using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Storage;
using Switchboard.Views;

namespace Switchboard.Api;

public sealed record AuditEntryView(long Id, DateTimeOffset At, string Actor, string Action, string Entity, string EntityId, JsonElement? Before, JsonElement? After);

/// <summary><c>GET /api/audit</c>: every configuration change, newest first (admins).</summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", ListAudit).WithTags("Audit");
        return api;
    }

    /// <param name="entity">key, team, rep, pool, account, form, webhook, holidays, flow, intake-rules, lead (erasures)</param>
    public static async Task<Results<Ok<Paged<AuditEntryView>>, ValidationProblem>> ListAudit(
        SwitchboardDb db, string? entity, string? entityId, string? actor, int? page, int? pageSize, CancellationToken ct)
    {
        var paging = new FieldErrors();
        Limits.CheckPage(paging, page, pageSize);
        if (paging.Any)
        {
            return paging.ToProblem();
        }

        var query = db.Audit.AsNoTracking();
        query = entity is null ? query : query.Where(a => a.Entity == entity);
        query = entityId is null ? query : query.Where(a => a.EntityId == entityId);
        query = actor is null ? query : query.Where(a => a.Actor == actor);
        var (p, size) = (page ?? 1, pageSize ?? 50);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(a => a.Id).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return TypedResults.Ok(new Paged<AuditEntryView>(
            [.. rows.Select(a => new AuditEntryView(a.Id, a.At, a.Actor, a.Action, a.Entity, a.EntityId, Parse(a.BeforeJson), Parse(a.AfterJson)))], p, size, total));
    }

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}
