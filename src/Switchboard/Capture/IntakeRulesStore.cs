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
}
