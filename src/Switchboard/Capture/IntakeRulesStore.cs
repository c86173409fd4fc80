using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Switchboard.Intake;
using Switchboard.Distribution;
using Switchboard.Storage;

namespace Switchboard.Capture;

/// <summary>
/// Compiled intake rules by version, compiled once per process; the newest version is read from the
/// database for every lead, so all instances switch the moment a version is committed.
/// </summary>
public sealed class IntakeRulesStore
{
    private readonly ConcurrentDictionary<int, IntakeRules> _compiled = new();

    public async Task<IntakeRules> CurrentAsync(SwitchboardDb db, CancellationToken ct)
    {
        var version = await db.IntakeRules.MaxAsync(r => (int?)r.Version, ct) ?? 0;
        if (version == 0)
        {
            return IntakeRules.None;
        }

        if (_compiled.TryGetValue(version, out var cached))
        {
            return cached;
        }

        var row = await db.IntakeRules.AsNoTracking().FirstAsync(r => r.Version == version, ct);
        var (document, error) = FlowDocuments.Parse<IntakeRulesDocument>(row.Document, row.Format);
        var (rules, errors) = document is null ? (null, [error!]) : IntakeRules.Compile(document, version);
        return rules is null
            ? throw new InvalidOperationException($"Stored intake rules version {version} no longer compile: {string.Join("; ", errors.Select(e => e.Message))}")
            : _compiled.GetOrAdd(version, rules);
    }

    /// <summary>
    /// Checks the rules exactly as <c>PUT /api/intake/rules</c> does and stores them as the next version;
    /// or the fields at fault, nothing stored.
    /// </summary>
    public static async Task<(int? Version, FieldErrors Errors)> SaveAsync(SwitchboardDb db, string text, string format, string? byKeyId, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var (document, error) = FlowDocuments.Parse<IntakeRulesDocument>(text, format);
        if (error is not null)
        {
            errors.Add(error.Field, error.Message);
        }

        if (document is not null)
        {
            errors.AddAll(IntakeRules.Compile(document, 0).Errors);
            errors.AddAll(await References.MissingAsync(db, References.InIntakeRules(document), ct));
        }

        if (errors.Any)
        {
            return (null, errors);
        }

        // Under the routing lock, like flows: version numbers never collide between instances.
        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        var version = (await db.IntakeRules.MaxAsync(r => (int?)r.Version, ct) ?? 0) + 1;
        db.IntakeRules.Add(new IntakeRulesRow { Version = version, Document = text, Format = format, CreatedAt = now, CreatedByKeyId = byKeyId });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (version, errors);
    }
}
