using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Switchboard.Routing.Flows;
using Switchboard.Storage;

namespace Switchboard.Distribution;

/// <summary>
/// Compiled flows by version. A version never changes once saved, so each is compiled once per
/// process and shared; the active version is read from the database on every lead, so every
/// instance switches the moment a new version is committed.
/// </summary>
public sealed class FlowStore
{
    /// <summary>Until an admin saves a flow, every lead waits in the <c>unassigned</c> pool.</summary>
    public static readonly CompiledFlow Default = new(0, [], Target.Pool("unassigned"));

    private readonly ConcurrentDictionary<int, CompiledFlow> _compiled = new();

    public async Task<CompiledFlow?> GetAsync(SwitchboardDb db, int? version, CancellationToken ct)
    {
        var number = version ?? await db.FlowVersions.MaxAsync(f => (int?)f.Version, ct) ?? 0;
        if (number == 0)
        {
            return version is null or 0 ? Default : null;
        }

        if (_compiled.TryGetValue(number, out var cached))
        {
            return cached;
        }

        var row = await db.FlowVersions.AsNoTracking().FirstOrDefaultAsync(f => f.Version == number, ct);
        if (row is null)
        {
            return null;
        }

        var (document, error) = FlowDocuments.Parse(row.Document, row.Format);
        var (flow, errors) = document is null ? (null, [error!]) : FlowCompiler.Compile(document, number);
        if (flow is null)
        {
            throw new InvalidOperationException($"Stored flow version {number} no longer compiles: {string.Join("; ", errors.Select(e => e.Message))}");
        }

        return _compiled.GetOrAdd(number, flow);
    }
}
