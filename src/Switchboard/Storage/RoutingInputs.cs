using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage;
using Switchboard.Distribution;
using Switchboard.Routing.Lifecycle;

namespace Switchboard.Storage;

/// <summary>
/// What a transaction changed of the inputs routing holds in memory (<see cref="RoutingSnapshots"/>):
/// each save moves reps' open-lead counts by the leads whose owner or status it changed, and moves the
/// routing version on whenever it changed any of them, or reps, teams, pools, calendars, flows,
/// or counters. Strategy state is written only by routing batches, which move the version themselves. Writes that bypass the change tracker (ExecuteUpdate, raw SQL) call
/// <see cref="StorageExtensions.RoutingChangedAsync"/> themselves.
/// </summary>
public sealed class RoutingInputs
{
    /// <summary>The entities a routing snapshot is built from, besides leads.</summary>
    private static readonly HashSet<Type> Held =
        [typeof(RepRow), typeof(TeamRow), typeof(PoolRow), typeof(HolidayCalendarRow), typeof(FlowVersionRow), typeof(RepCounterRow)];

    /// <summary>Open leads gained (+) and lost (−) per rep in this transaction, by every save and explicit move.</summary>
    public Dictionary<string, int> OpenMoved { get; } = new(StringComparer.Ordinal);

    /// <summary>How many saves and explicit marks of this transaction changed anything else a snapshot holds.</summary>
    public int OtherChanges { get; private set; }

    /// <summary>How many times this transaction moved the version on, and the number it last moved it to.</summary>
    public int Bumps { get; private set; }
    public long LastVersion { get; private set; }

    /// <summary>The added leads' open counts, read before the bulk insert detaches them.</summary>
    internal Dictionary<string, int> CountAdded(ChangeTracker tracker)
    {
        var moved = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in tracker.Entries<LeadRow>())
        {
            if (e.State == EntityState.Added && e.Entity is { OwnerRepId: { } owner } lead && lead.Status.IsOpen())
            {
                moved[owner] = moved.GetValueOrDefault(owner) + 1;
            }
        }

        return moved;
    }

    /// <summary>
    /// After changes are detected: adds what modified and deleted leads moved to <paramref name="moved"/>
    /// (added ones were counted before the bulk insert); returns whether held entities changed.
    /// </summary>
    internal static bool Collect(ChangeTracker tracker, Dictionary<string, int> moved)
    {
        var other = false;
        foreach (var e in tracker.Entries())
        {
            if (e.State is not (EntityState.Modified or EntityState.Deleted or EntityState.Added))
            {
                continue;
            }

            if (e.Entity is LeadRow lead)
            {
                if (e.State == EntityState.Added)
                {
                    continue;
                }

                var was = Holder(e.OriginalValues.GetValue<string?>(nameof(LeadRow.OwnerRepId)), e.OriginalValues.GetValue<LeadStatus>(nameof(LeadRow.Status)));
                var now = e.State == EntityState.Deleted ? null : Holder(lead.OwnerRepId, lead.Status);
                if (was != now)
                {
                    Move(moved, was, -1);
                    Move(moved, now, +1);
                }
            }
            else if (Held.Contains(e.Metadata.ClrType))
            {
                other = true;
            }
        }

        return other;
    }

    /// <summary>Writes what <see cref="Collect"/> found, in the save's transaction.</summary>
    internal async Task WriteAsync(SwitchboardDb db, Dictionary<string, int> moved, bool other, CancellationToken ct)
    {
        await MoveOpenAsync(db, moved, ct);
        OtherChanges += other ? 1 : 0;

        // Partitioned captures move open-lead counts only of reps whose teams they locked, and whoever
        // routes to those reps next reads them afresh under the same locks; moving the one version row
        // would make every capture wait for every other.
        if (other || db.RoutingTransaction is not { Partitioned: true })
        {
            await BumpAsync(db, ct);
        }
    }

    /// <summary>Adds to reps' open-lead counts, in the current transaction.</summary>
    private async Task MoveOpenAsync(SwitchboardDb db, IReadOnlyDictionary<string, int> moved, CancellationToken ct)
    {
        var moves = moved.Where(m => m.Value != 0).ToList();
        foreach (var (repId, n) in moves)
        {
            OpenMoved[repId] = OpenMoved.GetValueOrDefault(repId) + n;
        }

        if (moves.Count > 0)
        {
            await db.MoveOpenLeadsAsync(moves, ct);
        }
    }

    /// <summary>A change this class cannot see (an ExecuteUpdate of a rep, a calendar deleted).</summary>
    internal void MarkOther() => OtherChanges++;

    /// <summary>Moves the routing version on in the current transaction and remembers the number.</summary>
    internal async Task BumpAsync(SwitchboardDb db, CancellationToken ct)
    {
        LastVersion = await ScalarAsync(db, """UPDATE routing_version SET "Version" = "Version" + 1 WHERE "Id" = 1 RETURNING "Version" """, ct);
        Bumps++;
    }

    /// <summary>
    /// The current routing version, and on PostgreSQL the last number partitioned routing commits drew
    /// (0 on SQLite, and before any), read in the caller's transaction.
    /// </summary>
    public static async Task<(long Version, long Writes)> ReadVersionAsync(SwitchboardDb db, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = db is PostgresSwitchboardDb
            ? $"""SELECT "Version", (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {PostgresSwitchboardDb.RoutingWrites}) FROM routing_version WHERE "Id" = 1"""
            : """SELECT "Version", 0 FROM routing_version WHERE "Id" = 1""";
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>A partitioned routing commit's number from the sequence (see <see cref="RoutingSnapshots.TakeAsync"/>).</summary>
    internal static Task<long> DrawWriteAsync(SwitchboardDb db, CancellationToken ct) =>
        ScalarAsync(db, $"SELECT nextval('{PostgresSwitchboardDb.RoutingWrites}')", ct);

    /// <summary>One number from one statement, in the current transaction (no EF query for a single cell).</summary>
    private static async Task<long> ScalarAsync(SwitchboardDb db, string sql, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string? Holder(string? owner, LeadStatus status) => owner is not null && status.IsOpen() ? owner : null;

    private static void Move(Dictionary<string, int> moved, string? rep, int n)
    {
        if (rep is not null)
        {
            moved[rep] = moved.GetValueOrDefault(rep) + n;
        }
    }
}
