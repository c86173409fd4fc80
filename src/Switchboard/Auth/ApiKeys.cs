using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Switchboard.Storage;

namespace Switchboard.Auth;

public static class Roles
{
    public const string Admin = "admin";
    public const string Manager = "manager";
    public const string Rep = "rep";
    public const string Integration = "integration";

    public static readonly string[] All = [Admin, Manager, Rep, Integration];
}

/// <summary>Who is calling, read from the authenticated key's claims.</summary>
public sealed record Caller(string KeyId, string KeyName, string Role, string? RepId, IReadOnlyList<string> TeamIds)
{
    public bool IsAdmin => Role == Roles.Admin;

    public static Caller From(ClaimsPrincipal user) => new(
        user.FindFirstValue(ClaimTypes.NameIdentifier)!,
        user.FindFirstValue(ClaimTypes.Name) ?? "",
        user.FindFirstValue(ClaimTypes.Role)!,
        user.FindFirstValue("rep"),
        [.. user.FindAll("team").Select(c => c.Value)]);
}

public static class ApiKeySecrets
{
    /// <summary>A new key: <c>sb_</c> + 32 random bytes, base64url.</summary>
    public static string NewKey() =>
        "sb_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string key) => Sha256.Hex(key);

    /// <summary>
    /// A new key for <c>POST /api/keys</c> and the app's key screen: the row (stored with the secret's
    /// hash) and the secret, which is shown once; or the fields at fault.
    /// </summary>
    public static async Task<(ApiKeyRow? Row, string? Secret, FieldErrors Errors)> IssueAsync(
        SwitchboardDb db, string? name, string? role, string? repId, IReadOnlyCollection<string> teamIds, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add("name", "required: a name that says who or what uses the key");
        }

        await Grants.CheckAsync(db, errors, role, repId, teamIds, Roles.All, "key", ct);
        if (errors.Any)
        {
            return (null, null, errors);
        }

        var secret = NewKey();
        var row = new ApiKeyRow
        {
            Id = Guid.CreateVersion7(now).ToString(),
            Name = name!.Trim(),
            Role = role!,
            RepId = repId,
            TeamIds = [.. teamIds.Distinct()],
            KeyHash = Hash(secret),
            CreatedAt = now,
        };
        db.ApiKeys.Add(row);
        await db.SaveChangesAsync(ct);
        return (row, secret, errors);
    }

    /// <summary>Revokes a key (false when there is none); it stops working at once on this instance.</summary>
    public static async Task<bool> RevokeAsync(SwitchboardDb db, ApiKeyCache cache, string id, DateTimeOffset now, CancellationToken ct)
    {
        var row = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (row is null)
        {
            return false;
        }

        row.RevokedAt ??= now;
        await db.SaveChangesAsync(ct);
        cache.Forget();
        return true;
    }

    /// <summary>
    /// Makes sure an admin key exists: SWITCHBOARD_ADMIN_KEY when set, else a new one printed once.
    /// </summary>
    public static async Task EnsureAdminKeyAsync(IServiceProvider services, SwitchboardOptions options, TimeProvider time, TextWriter output)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        if (options.AdminKey is { } configured)
        {
            var hash = Hash(configured);
            if (!await db.ApiKeys.AnyAsync(k => k.KeyHash == hash))
            {
                // The variable changed since the last start: the old value stops working.
                await db.ApiKeys.Where(k => k.Id == "admin-env").ExecuteDeleteAsync();
                db.ApiKeys.Add(new ApiKeyRow { Id = "admin-env", Name = "admin (SWITCHBOARD_ADMIN_KEY)", Role = Roles.Admin, KeyHash = hash, CreatedAt = time.GetUtcNow() });
                await db.SaveChangesAsync();
            }

            return;
        }

        if (await db.ApiKeys.AnyAsync(k => k.Role == Roles.Admin && k.RevokedAt == null))
        {
            return;
        }

        var key = NewKey();
        db.ApiKeys.Add(new ApiKeyRow { Id = "admin-initial", Name = "admin (first start)", Role = Roles.Admin, KeyHash = Hash(key), CreatedAt = time.GetUtcNow() });
        await db.SaveChangesAsync();
        await output.WriteLineAsync($"Switchboard admin key (shown once, keep it safe): {key}");
    }
}

/// <summary>
/// Keys found by hash, remembered for <see cref="Lifetime"/> so that a busy integration's requests do not
/// each read the key table. A key revoked on this instance stops working at once (<see cref="Forget"/>);
/// on another instance within the lifetime. Unknown keys are never remembered: each is looked up.
/// </summary>
public sealed class ApiKeyCache
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);
    private const int MaxKeys = 10_000;

    private sealed record Entry(ApiKeyRow Key, long Until);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Entry> _keys = new(StringComparer.Ordinal);

    // Real elapsed time, not the service's TimeProvider: this is a cache's freshness, not a business rule.
    public ApiKeyRow? Find(string hash) =>
        _keys.TryGetValue(hash, out var e) && e.Until > Environment.TickCount64 ? e.Key : null;

    public void Remember(string hash, ApiKeyRow key)
    {
        if (_keys.Count >= MaxKeys)
        {
            _keys.Clear();
        }

        _keys[hash] = new Entry(key, Environment.TickCount64 + (long)Lifetime.TotalMilliseconds);
    }

    /// <summary>After a key is revoked or replaced: every key is read again.</summary>
    public void Forget() => _keys.Clear();
}

/// <summary>Authenticates <c>Authorization: Bearer &lt;key&gt;</c> against stored key hashes.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IServiceProvider services, ApiKeyCache cache, AuthFailures failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    private TimeSpan? _mustWait;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        // An address that sent too many wrong keys waits before any key of it is even looked at.
        var address = AbuseLimits.AddressOf(Context);
        if (failures.WaitFor(address) is { } wait)
        {
            _mustWait = wait;
            return AuthenticateResult.Fail("too many wrong keys from this address");
        }

        var hash = ApiKeySecrets.Hash(header["Bearer ".Length..].Trim());
        var key = cache.Find(hash);
        if (key is null)
        {
            var db = services.GetRequiredService<SwitchboardDb>();
            key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.KeyHash == hash && k.RevokedAt == null, Context.RequestAborted);
            if (key is null)
            {
                failures.Failed(address);
                return AuthenticateResult.Fail("unknown or revoked key");
            }

            cache.Remember(hash, key);
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, key.Id),
            new(ClaimTypes.Name, key.Name),
            new(ClaimTypes.Role, key.Role),
        };
        if (key.RepId is not null)
        {
            claims.Add(new Claim("rep", key.RepId));
        }

        claims.AddRange(key.TeamIds.Select(t => new Claim("team", t)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_mustWait is { } wait)
        {
            await AbuseLimits.TooManyAsync(Context, wait, "too many wrong keys from this address", Context.RequestAborted);
            return;
        }

        await base.HandleChallengeAsync(properties);
    }
}
