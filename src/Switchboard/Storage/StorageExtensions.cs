using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Switchboard.Routing.Lifecycle;

namespace Switchboard.Storage;

public static class StorageExtensions
{
    /// <summary>
    /// Whether a failed transaction may simply be run again: PostgreSQL chose it as a deadlock's victim
    /// or could not serialize it (partitioned captures on two instances locking in different orders).
    /// </summary>
    public static bool IsTransient(Exception e) => e switch
    {
        Npgsql.PostgresException { SqlState: "40P01" or "40001" } => true,
        null => false,
        _ => IsTransient(e.InnerException!),
    };

    /// <summary>
    /// Adds to reps' assignment counters (hour, day, week, month), creating missing ones, in one
    /// statement (same SQL on SQLite and PostgreSQL), so routing and claims counting the same rep at once
    /// never collide on a new row.
    /// </summary>
    public static Task AddToCountersAsync(this SwitchboardDb db, IReadOnlyDictionary<(string RepId, string Period), int> counts, CancellationToken ct)
    {
        var parameters = new List<object>(counts.Count * 3);
        var rows = new List<string>(counts.Count);
        foreach (var ((repId, period), n) in counts)
        {
            rows.Add($"({{{parameters.Count}}}, {{{parameters.Count + 1}}}, {{{parameters.Count + 2}}})");
            parameters.AddRange([repId, period, n]);
        }

        // Only placeholders are put into the text; every value goes in as a parameter.
        var sql = $"""INSERT INTO rep_counters ("RepId", "Period", "Count") VALUES {string.Join(", ", rows)} ON CONFLICT ("RepId", "Period") DO UPDATE SET "Count" = rep_counters."Count" + excluded."Count" """;
        return db.Database.ExecuteSqlRawAsync(sql, parameters, ct);
    }

    /// <summary>Adds to reps' open-lead counts in one statement (a capture group moves dozens of reps at once).</summary>
    public static Task MoveOpenLeadsAsync(this SwitchboardDb db, IReadOnlyCollection<KeyValuePair<string, int>> moves, CancellationToken ct) =>
        UpdateRepsAsync(db, "\"OpenLeads\" = \"OpenLeads\" + ", moves.Select(m => (m.Key, (object)m.Value)), ct);

    /// <summary>
    /// Sets reps' last-assigned moments in one statement. The moments go in as the column stores them
    /// (ticks on SQLite, through the model's value conversion), which a raw parameter would not do.
    /// </summary>
    public static Task SetLastAssignedAsync(this SwitchboardDb db, IReadOnlyDictionary<string, DateTimeOffset> moments, CancellationToken ct)
    {
        var converter = db.Model.FindEntityType(typeof(RepRow))!.FindProperty(nameof(RepRow.LastAssignedAt))!.GetTypeMapping().Converter;
        return UpdateRepsAsync(db, "\"LastAssignedAt\" = ", moments.Select(m => (m.Key, converter?.ConvertToProvider(m.Value) ?? m.Value)), ct);
    }

    /// <summary>
    /// One UPDATE of many reps, each with its own value: <c>SET {set}CASE "Id" WHEN id THEN value … END</c>.
    /// Only placeholders go into the text; ids and values are parameters.
    /// </summary>
    private static Task<int> UpdateRepsAsync(SwitchboardDb db, string set, IEnumerable<(string RepId, object Value)> values, CancellationToken ct)
    {
        var parameters = new List<object>();
        var (cases, ids) = (new List<string>(), new List<string>());
        foreach (var (repId, value) in values)
        {
            cases.Add($"WHEN {{{parameters.Count}}} THEN {{{parameters.Count + 1}}}");
            ids.Add($"{{{parameters.Count}}}");
            parameters.AddRange([repId, value]);
        }

        var sql = $"""UPDATE reps SET {set}CASE "Id" {string.Join(" ", cases)} END WHERE "Id" IN ({string.Join(", ", ids)})""";
        return db.Database.ExecuteSqlRawAsync(sql, parameters, ct);
    }

    /// <summary>
    /// A write routing reads that the change tracker cannot see (an ExecuteUpdate of reps or counters, a
    /// calendar deleted): moves the routing version on, in the caller's transaction, so every routing
    /// snapshot reloads.
    /// </summary>
    public static async Task RoutingChangedAsync(this SwitchboardDb db, CancellationToken ct)
    {
        db.RoutingInputs.MarkOther();
        await db.RoutingInputs.BumpAsync(db, ct);
    }

    public static IServiceCollection AddSwitchboardStorage(this IServiceCollection services, SwitchboardOptions options)
    {
        services.AddHttpContextAccessor();
        services.AddSingleton<AuditTrail>();
        if (options.UsesPostgres)
        {
            services.AddDbContext<SwitchboardDb, PostgresSwitchboardDb>((sp, o) => o.UseNpgsql(options.Db).AddInterceptors(sp.GetRequiredService<AuditTrail>()));
        }
        else
        {
            var connectionString = SqliteConnectionString(options.Db);
            var pragmas = new SqlitePragmas(options.SqliteSynchronous);
            services.AddDbContext<SwitchboardDb, SqliteSwitchboardDb>((sp, o) => o.UseSqlite(connectionString).AddInterceptors(pragmas, sp.GetRequiredService<AuditTrail>()));
            services.AddHostedService<SqliteCheckpointer>();
        }

        return services;
    }

    /// <summary>
    /// Accepts a bare file path or a full connection string; waits up to 30 s on a database another
    /// process holds locked (or the connection string's own <c>Default Timeout</c>), then the request is
    /// answered 503 (<see cref="DatabaseBusy"/>).
    /// </summary>
    public static string SqliteConnectionString(string db)
    {
        var builder = db.Contains('=', StringComparison.Ordinal)
            ? new SqliteConnectionStringBuilder(db)
            : new SqliteConnectionStringBuilder { DataSource = db };
        if (!db.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.DefaultTimeout = 30;
        }

        return builder.ToString();
    }

    /// <summary>
    /// Whether the database could not take the work just now (SQLite locked by another process, PostgreSQL
    /// out of connections, starting, shutting down or unreachable): the caller may try again shortly.
    /// </summary>
    public static bool IsUnavailable(Exception? e) => e switch
    {
        null => false,
        SqliteException { SqliteErrorCode: 5 or 6 } => true, // SQLITE_BUSY, SQLITE_LOCKED
        Npgsql.PostgresException { SqlState: "53300" or "57P01" or "57P03" or "55P03" } => true, // too many connections, shutting down, starting, lock not available
        Npgsql.NpgsqlException { InnerException: System.Net.Sockets.SocketException or TimeoutException } => true,
        _ => IsUnavailable(e.InnerException),
    };

    /// <summary>Creates the SQLite file's folder, applies migrations, and turns on WAL. Runs before the service listens.</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        if (db.Database.IsSqlite())
        {
            var file = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            var folder = Path.GetDirectoryName(Path.GetFullPath(file));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await db.Database.CloseConnectionAsync();
        }

        var fresh = !(await db.Database.GetAppliedMigrationsAsync(ct)).Any();
        await db.Database.MigrateAsync(ct);
        await EnsurePoolsAsync(db, fresh, scope.ServiceProvider.GetRequiredService<TimeProvider>(), ct);
    }

    /// <summary>The pools the defaults send leads to (the default flow's fallback, the MQL nurture pool).</summary>
    public static readonly (string Id, string Name)[] DefaultPools = [("unassigned", "Unassigned"), ("nurture", "Nurture")];

    /// <summary>
    /// A fresh database gets the default pools; any database gets a pool for leads waiting in one that does
    /// not exist (written before flows were checked), so no lead is invisible. Such pools have no members:
    /// admins see them and add members.
    /// </summary>
    private static async Task EnsurePoolsAsync(SwitchboardDb db, bool fresh, TimeProvider time, CancellationToken ct)
    {
        var known = await db.Pools.Select(p => p.Id).ToListAsync(ct);
        var orphaned = await db.Leads.Where(l => l.Status == LeadStatus.Pooled && l.PoolId != null && !known.Contains(l.PoolId))
            .Select(l => l.PoolId!).Distinct().ToListAsync(ct);
        var wanted = (fresh ? DefaultPools : []).Concat(orphaned.Select(id => (Id: id, Name: id)))
            .Where(p => !known.Contains(p.Id)).DistinctBy(p => p.Id).ToList();
        if (wanted.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        db.Pools.AddRange(wanted.Select(p => new PoolRow { Id = p.Id, Name = p.Name, Mode = Pools.PoolModes.CherryPick, VisibleFields = Pools.PoolFields.CherryPickDefault, CreatedAt = now, UpdatedAt = now }));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another instance starting at the same moment created them.
        }
    }
}
