using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Switchboard.Storage;

/// <summary>
/// Every change to configuration — keys, teams, reps, pools, accounts, forms, webhooks, holiday
/// calendars, flows, intake rules — written to <c>audit_log</c> in the same save: who (the key's name,
/// or <c>system</c>), what, and the fields before and after. Secrets (key hashes, webhook secrets) are
/// never written. Changes made with a bulk statement instead of the change tracker say so themselves
/// (<see cref="Record"/>).
/// </summary>
public sealed class AuditTrail(IHttpContextAccessor http, TimeProvider time) : SaveChangesInterceptor
{
    private static readonly Dictionary<Type, string> Audited = new()
    {
        [typeof(ApiKeyRow)] = "key",
        [typeof(TeamRow)] = "team",
        [typeof(RepRow)] = "rep",
        [typeof(PoolRow)] = "pool",
        [typeof(AccountRow)] = "account",
        [typeof(FormRow)] = "form",
        [typeof(WebhookRow)] = "webhook",
        [typeof(HolidayCalendarRow)] = "holidays",
        [typeof(FlowVersionRow)] = "flow",
        [typeof(IntakeRulesRow)] = "intake-rules",
        [typeof(UserRow)] = "user",
    };

    // Secrets are never written; a user's sign-in bookkeeping (failed attempts, stamps) is not a change worth a line.
    private static readonly HashSet<string> Secret =
    [
        nameof(ApiKeyRow.KeyHash), nameof(WebhookRow.Secret), nameof(UserRow.PasswordHash), nameof(UserRow.SecurityStamp),
        nameof(UserRow.ConcurrencyStamp), nameof(UserRow.AccessFailedCount), nameof(UserRow.LastSignInAt),
    ];

    /// <summary>
    /// Who acts in the app's screens: their circuit has no request of its own to read the person from,
    /// so each screen action names them (App/AppData.cs).
    /// </summary>
    public static readonly AsyncLocal<string?> Person = new();

    /// <summary>The changing person's, or key's, name, or <c>system</c> for the service's own work.</summary>
    public string Actor => Person.Value ?? (http.HttpContext?.User.FindFirstValue(ClaimTypes.Name) is { Length: > 0 } name ? name : "system");

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Write(eventData.Context);
        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Write(eventData.Context);
        return base.SavingChanges(eventData, result);
    }

    /// <summary>A change the change tracker does not see (a bulk update or delete), in the caller's next save.</summary>
    public void Record(DbContext db, string action, string entity, string id, object? before, object? after) =>
        db.Add(new AuditRow
        {
            At = time.GetUtcNow(), Actor = Actor, Action = action, Entity = entity, EntityId = id,
            BeforeJson = before is null ? null : JsonSerializer.Serialize(before, Json.Options),
            AfterJson = after is null ? null : JsonSerializer.Serialize(after, Json.Options),
        });

    private void Write(DbContext? db)
    {
        if (db is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var entry in db.ChangeTracker.Entries().ToList())
        {
            if (!Audited.TryGetValue(entry.Metadata.ClrType, out var entity) || entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            var properties = entry.Properties.Where(p => !Secret.Contains(p.Metadata.Name) && (entry.State != EntityState.Modified || p.IsModified)).ToList();
            if (entry.State == EntityState.Modified && properties.All(p => Equals(p.OriginalValue, p.CurrentValue) || Same(p)))
            {
                continue; // saved without a change
            }

            db.Add(new AuditRow
            {
                At = now,
                Actor = Actor,
                Action = entry.State switch { EntityState.Added => "created", EntityState.Deleted => "deleted", _ => "changed" },
                Entity = entity,
                EntityId = string.Join("|", entry.Metadata.FindPrimaryKey()!.Properties.Select(k => entry.Property(k.Name).CurrentValue)),
                BeforeJson = entry.State == EntityState.Added ? null : Fields(properties, p => p.OriginalValue),
                AfterJson = entry.State == EntityState.Deleted ? null : Fields(properties, p => p.CurrentValue),
            });
        }
    }

    /// <summary>Lists compare by their items: a patch that sets the same teams again changes nothing.</summary>
    private static bool Same(PropertyEntry p) =>
        p.OriginalValue is System.Collections.IEnumerable a and not string && p.CurrentValue is System.Collections.IEnumerable b and not string &&
        a.Cast<object?>().SequenceEqual(b.Cast<object?>());

    private static string Fields(List<PropertyEntry> properties, Func<PropertyEntry, object?> value) =>
        JsonSerializer.Serialize(properties.ToDictionary(p => Json.Options.PropertyNamingPolicy!.ConvertName(p.Metadata.Name), value), Json.Options);
}
