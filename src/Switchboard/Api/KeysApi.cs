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

        var errors = new FieldErrors();
        var teamIds = input!.TeamIds ?? [];
        if (string.IsNullOrWhiteSpace(input.Name))
        {
            errors.Add("name", "required: a name that says who or what uses the key");
        }

        await Grants.CheckAsync(db, errors, input.Role, input.RepId, teamIds, Roles.All, "key", ct);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var secret = ApiKeySecrets.NewKey();
        var row = new ApiKeyRow
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()).ToString(),
            Name = input.Name!.Trim(),
            Role = input.Role!,
            RepId = input.RepId,
            TeamIds = [.. teamIds.Distinct()],
            KeyHash = ApiKeySecrets.Hash(secret),
            CreatedAt = time.GetUtcNow(),
        };
        db.ApiKeys.Add(row);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/keys/{row.Id}", new KeyCreated(row.Id, secret, row.Role, row.Name, row.RepId, row.TeamIds));
    }

    public static async Task<Ok<List<KeyView>>> ListKeys(SwitchboardDb db, CancellationToken ct)
    {
        var rows = await db.ApiKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(k => new KeyView(k.Id, k.Role, k.Name, k.RepId, k.TeamIds, k.CreatedAt, k.RevokedAt)).ToList());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(string id, SwitchboardDb db, TimeProvider time, ApiKeyCache cache, CancellationToken ct)
    {
        var row = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (row is null)
        {
            return Problems.NotFound($"no key '{id}'");
        }

        row.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        cache.Forget();
        return TypedResults.NoContent();
    }
}
