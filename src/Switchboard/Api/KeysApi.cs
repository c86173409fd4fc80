using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Storage;

namespace Switchboard.Api;

public sealed record KeyInput(string? Role, [property: Limit(Limits.Name)] string? Name, string? RepId = null, [property: Limit(Limits.ShortList)] List<string>? TeamIds = null);

/// <summary>The secret appears only in this answer; it is stored as a hash.</summary>
public sealed record KeyCreated(string Id, string Key, string Role, string Name, string? RepId, IReadOnlyList<string> TeamIds);

public sealed record KeyView(string Id, string Role, string Name, string? RepId, IReadOnlyList<string> TeamIds, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary><c>/api/keys</c> (admin only).</summary>
public static class KeysApi
{
    public static RouteGroupBuilder MapKeysApi(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/keys").WithTags("Keys");
        keys.MapPost("/", CreateKey).Accepts<KeyInput>("application/json");
        keys.MapGet("/", ListKeys);
        keys.MapDelete("/{id}", RevokeKey);
        return api;
    }

    public static async Task<Results<Created<KeyCreated>, ValidationProblem>> CreateKey(
        HttpRequest request, SwitchboardDb db, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<KeyInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        var (row, secret, errors) = await ApiKeySecrets.IssueAsync(db, input!.Name, input.Role, input.RepId, input.TeamIds ?? [], time.GetUtcNow(), ct);
        return row is null
            ? errors.ToProblem()
            : TypedResults.Created($"/api/keys/{row.Id}", new KeyCreated(row.Id, secret!, row.Role, row.Name, row.RepId, row.TeamIds));
    }

    public static async Task<Ok<List<KeyView>>> ListKeys(SwitchboardDb db, CancellationToken ct)
    {
        var rows = await db.ApiKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(k => new KeyView(k.Id, k.Role, k.Name, k.RepId, k.TeamIds, k.CreatedAt, k.RevokedAt)).ToList());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(string id, SwitchboardDb db, TimeProvider time, ApiKeyCache cache, CancellationToken ct)
    {
        return await ApiKeySecrets.RevokeAsync(db, cache, id, time.GetUtcNow(), ct) ? TypedResults.NoContent() : Problems.NotFound($"no key '{id}'");
    }
}
