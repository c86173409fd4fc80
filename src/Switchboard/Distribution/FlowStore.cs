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
public sealed class FlowStore(ILogger<FlowStore> log)
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

        if (Compile(row) is not { } flow)
        {
            // A version saved before a limit it now breaks (or written by hand): leads are still taken,
            // routed by the newest earlier version that compiles, else held in the unassigned pool.
            flow = Default;
            await foreach (var earlier in db.FlowVersions.AsNoTracking().Where(f => f.Version < number).OrderByDescending(f => f.Version).AsAsyncEnumerable().WithCancellation(ct))
            {
                if (Compile(earlier) is { } compiled)
                {
                    flow = compiled;
                    break;
                }
            }

            log.LogError("Stored flow version {Version} no longer compiles; routing by {Instead} until a new version is saved", number, flow.Version == 0 ? "the default flow (every lead to the unassigned pool)" : $"version {flow.Version}");
        }

        return _compiled.GetOrAdd(number, flow);
    }

    private static CompiledFlow? Compile(FlowVersionRow row)
    {
        var (document, _) = FlowDocuments.Parse(row.Document, row.Format);
        return document is null ? null : FlowCompiler.Compile(document, row.Version).Flow;
    }
}
