using Switchboard.Routing.Lifecycle;
using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Notify;
using Switchboard.Distribution;

namespace Switchboard.Storage;

/// <summary>
/// The one DbContext. Features use it directly (no repository wrappers). Each database has its own
/// subclass only so that each keeps its own migrations.
/// </summary>
public abstract class SwitchboardDb(DbContextOptions options) : IdentityUserContext<UserRow>(options), IDataProtectionKeyContext
{
    /// <summary>The keys that sign sign-in cookies and antiforgery tokens, shared by every instance and kept across restarts.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<ApiKeyRow> ApiKeys => Set<ApiKeyRow>();
    public DbSet<TeamRow> Teams => Set<TeamRow>();
    public DbSet<RepRow> Reps => Set<RepRow>();
    public DbSet<FlowVersionRow> FlowVersions => Set<FlowVersionRow>();
    public DbSet<LeadRow> Leads => Set<LeadRow>();
    public DbSet<DecisionRow> Decisions => Set<DecisionRow>();
    public DbSet<LeadEventRow> LeadEvents => Set<LeadEventRow>();
    public DbSet<StrategyStateRow> StrategyStates => Set<StrategyStateRow>();
    public DbSet<RepCounterRow> RepCounters => Set<RepCounterRow>();
    public DbSet<IdempotencyRow> IdempotencyKeys => Set<IdempotencyRow>();
    public DbSet<HolidayCalendarRow> HolidayCalendars => Set<HolidayCalendarRow>();
    public DbSet<IntakeRulesRow> IntakeRules => Set<IntakeRulesRow>();
    public DbSet<FormRow> Forms => Set<FormRow>();
    public DbSet<AccountRow> Accounts => Set<AccountRow>();
    public DbSet<PoolRow> Pools => Set<PoolRow>();
    public DbSet<OutboxRow> Outbox => Set<OutboxRow>();
    public DbSet<LeadSightingRow> LeadSightings => Set<LeadSightingRow>();
    public DbSet<WebhookRow> Webhooks => Set<WebhookRow>();
    public DbSet<DeliveryRow> Deliveries => Set<DeliveryRow>();
    public DbSet<DeliveryAttemptRow> DeliveryAttempts => Set<DeliveryAttemptRow>();
    public DbSet<AccountDomainRow> AccountDomains => Set<AccountDomainRow>();
    public DbSet<RoutingVersionRow> RoutingVersion => Set<RoutingVersionRow>();
    public DbSet<AuditRow> Audit => Set<AuditRow>();
    public DbSet<ErasureRow> Erasures => Set<ErasureRow>();

    /// <summary>What the current transaction changed of routing's inputs; a routing transaction starts it afresh.</summary>
    public RoutingInputs RoutingInputs { get; internal set; } = new();

    /// <summary>The routing transaction this context is in, if any: routing batches enlist in it to write and publish at commit.</summary>
    public RoutingTransaction? RoutingTransaction { get; internal set; }

    /// <summary>The event types emailed to reps; none when SMTP is off. The outbox keeps these even without webhooks.</summary>
    public IReadOnlyList<string> EmailedEvents =>
        this.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider?.GetService<SwitchboardOptions>()?.Smtp?.Events ?? [];

    /// <summary>
    /// Starts the transaction that every routing write runs in, holding the routing lock: SQLite's
    /// BEGIN IMMEDIATE takes the database write lock at once; PostgreSQL takes a transaction-scoped
    /// advisory lock. Reading strategy state and writing the assignment are then one atomic step,
    /// across threads and across service instances.
    /// </summary>
    /// <param name="captures">
    /// New leads (the capture queue, imports). On PostgreSQL such transactions share the routing lock
    /// and run at once, on several instances, each locking only what its leads touch — the people they
    /// may duplicate, the teams and rules that route them (<see cref="RoutingTransaction.LockAsync"/>) —
    /// while every other routing write still holds the lock alone. SQLite has one writer either way.
    /// </param>
    public abstract Task<RoutingTransaction> BeginRoutingTransactionAsync(CancellationToken ct, bool captures = false);

    /// <summary>
    /// Every save also writes the events its new timeline entries announce (the transactional outbox),
    /// so no feature can change a lead and forget to tell, and nothing rolled back is ever told.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        // The outbox and the bulk insert look only at added rows, whose state is known without detecting
        // changes; detecting runs once, over what is left once those are written.
        var detect = ChangeTracker.AutoDetectChangesEnabled;
        IDbContextTransaction? own = null;
        try
        {
            ChangeTracker.AutoDetectChangesEnabled = false;
            var moved = RoutingInputs.CountAdded(ChangeTracker);
            await LeadNotifications.AddToOutboxAsync(this, cancellationToken);

            // The bulk rows and the rest of the save commit together, as one save always did.
            if (Database.CurrentTransaction is null && BulkInsert.HasRows(this))
            {
                own = await Database.BeginTransactionAsync(cancellationToken);
            }

            var written = await BulkInsert.AddedRowsAsync(this, cancellationToken);
            if (detect)
            {
                ChangeTracker.DetectChanges();
            }

            var other = RoutingInputs.Collect(ChangeTracker, moved);
            if (other || moved.Values.Any(n => n != 0))
            {
                own ??= Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
                await RoutingInputs.WriteAsync(this, moved, other, cancellationToken);
            }

            written += await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            if (own is not null)
            {
                await own.CommitAsync(cancellationToken);
            }

            return written;
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = detect;
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    /// <summary>Identity reads its schema version from the app's services; a context made without the app (design time, tools) gets this one.</summary>
    private static readonly IServiceProvider WithoutApp = new ServiceCollection()
        .Configure<IdentityOptions>(o => o.Stores.SchemaVersion = Auth.People.SchemaVersion)
        .BuildServiceProvider();

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
    {
        if (optionsBuilder.Options.FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider is null)
        {
            optionsBuilder.UseApplicationServiceProvider(WithoutApp);
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        // People who sign in to the app: ASP.NET Core Identity's user store, in the same database, at the
        // schema version People.AddSwitchboardAuth sets (OnConfiguring sets it where no app is around).
        base.OnModelCreating(builder);
        builder.Entity<UserRow>(e =>
        {
            e.ToTable("users");
            e.HasIndex(u => u.RepId).IsUnique();
        });
        builder.Entity<IdentityUserClaim<string>>().ToTable("user_claims");
        builder.Entity<IdentityUserLogin<string>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<string>>().ToTable("user_tokens");
        builder.Entity<IdentityUserPasskey<string>>().ToTable("user_passkeys");
        builder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
        builder.Entity<ApiKeyRow>(e =>
        {
            e.ToTable("api_keys");
            e.HasKey(k => k.Id);
            e.HasIndex(k => k.KeyHash).IsUnique();
        });
        builder.Entity<TeamRow>(e =>
        {
            e.ToTable("teams");
            e.HasKey(t => t.Id);
        });
        builder.Entity<RepRow>(e =>
        {
            e.ToTable("reps");
            e.HasKey(r => r.Id);
            e.Property(r => r.Status).HasMaxLength(16);
        });
        builder.Entity<FlowVersionRow>(e =>
        {
            e.ToTable("flow_versions");
            e.HasKey(f => f.Version);
            e.Property(f => f.Version).ValueGeneratedNever();
        });
        builder.Entity<LeadRow>(e =>
        {
            e.ToTable("leads");
            e.HasKey(l => l.Id);
            e.Property(l => l.Status).HasMaxLength(16).HasConversion(s => s.Name(), s => LeadStatuses.Parse(s));
            // Partial indexes: most leads lack most of these (no phone, no campaign, no deadline yet), and a
            // row whose key is NULL then costs no index write. Every query on them compares the column
            // (=, IN, <=), which both databases read as "IS NOT NULL", so they still use the index.
            e.HasIndex(l => new { l.OwnerRepId, l.Status }).HasFilter("\"OwnerRepId\" IS NOT NULL");
            e.HasIndex(l => new { l.Status, l.CreatedAt });
            e.HasIndex(l => l.CreatedByKeyId).HasFilter("\"CreatedByKeyId\" IS NOT NULL");
            e.HasIndex(l => l.Email).HasFilter("\"Email\" IS NOT NULL");
            e.HasIndex(l => l.CompanyDomain).HasFilter("\"CompanyDomain\" IS NOT NULL");
            e.HasIndex(l => l.CompanyKey).HasFilter("\"CompanyKey\" IS NOT NULL");
            e.HasIndex(l => l.Phone).HasFilter("\"Phone\" IS NOT NULL");
            e.HasIndex(l => l.Campaign).HasFilter("\"Campaign\" IS NOT NULL");
            e.HasIndex(l => l.ExternalId).HasFilter("\"ExternalId\" IS NOT NULL");
            e.HasIndex(l => new { l.OwnerRepId, l.AssignedAt }).HasFilter("\"OwnerRepId\" IS NOT NULL");
            e.HasIndex(l => l.AccountId).HasFilter("\"AccountId\" IS NOT NULL");
            e.HasIndex(l => new { l.PoolId, l.Status, l.PooledAt }).HasFilter("\"PoolId\" IS NOT NULL");
            e.HasIndex(l => new { l.Status, l.OfferExpiresAt }).HasFilter("\"OfferExpiresAt\" IS NOT NULL");
            e.HasIndex(l => l.AcceptDueAt).HasFilter("\"AcceptDueAt\" IS NOT NULL");
            e.HasIndex(l => l.TouchDueAt).HasFilter("\"TouchDueAt\" IS NOT NULL");
            e.HasIndex(l => l.RemindAt).HasFilter("\"RemindAt\" IS NOT NULL");
            e.HasIndex(l => l.StaleCheckAt).HasFilter("\"StaleCheckAt\" IS NOT NULL");
        });
        builder.Entity<PoolRow>(e =>
        {
            e.ToTable("pools");
            e.HasKey(p => p.Id);
        });
        builder.Entity<LeadSightingRow>(e =>
        {
            e.ToTable("lead_sightings");
            e.HasKey(s => new { s.LeadId, s.RepId });
        });
        builder.Entity<OutboxRow>(e =>
        {
            e.ToTable("outbox");
            e.HasKey(o => o.Id);
            e.HasIndex(o => o.EventId).IsUnique();
            e.HasIndex(o => o.FannedOutAt);
            e.HasIndex(o => o.EmailedAt);
        });
        builder.Entity<WebhookRow>(e =>
        {
            e.ToTable("webhooks");
            e.HasKey(w => w.Id);
        });
        builder.Entity<ErasureRow>(e =>
        {
            e.ToTable("erasures");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.EmailHash);
            e.HasIndex(x => x.PhoneHash);
            e.HasIndex(x => x.ExternalIdHash);
        });
        builder.Entity<AuditRow>(e =>
        {
            e.ToTable("audit_log");
            e.HasKey(a => a.Id);
            e.HasIndex(a => new { a.Entity, a.EntityId, a.Id });
        });
        builder.Entity<DeliveryRow>(e =>
        {
            e.ToTable("webhook_deliveries");
            e.HasKey(d => d.Id);
            e.HasIndex(d => new { d.Status, d.NextAttemptAt });
            e.HasIndex(d => new { d.WebhookId, d.Id });
        });
        builder.Entity<DeliveryAttemptRow>(e =>
        {
            e.ToTable("webhook_attempts");
            e.HasKey(a => a.Id);
            e.HasIndex(a => a.DeliveryId);
        });
        builder.Entity<AccountRow>(e =>
        {
            e.ToTable("accounts");
            e.HasKey(a => a.Id);
            e.HasIndex(a => a.NameKey);
            e.HasIndex(a => a.NameBlock);
            e.HasIndex(a => a.OwnerRepId);
        });
        builder.Entity<AccountDomainRow>(e =>
        {
            e.ToTable("account_domains");
            e.HasKey(d => d.Domain);
            e.HasIndex(d => d.AccountId);
        });
        builder.Entity<DecisionRow>(e =>
        {
            e.ToTable("decisions");
            e.HasKey(d => d.Id);
            e.HasIndex(d => d.LeadId);
        });
        builder.Entity<LeadEventRow>(e =>
        {
            e.ToTable("lead_events");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.LeadId);
            e.HasIndex(x => new { x.RepId, x.Type, x.At });
        });
        builder.Entity<StrategyStateRow>(e =>
        {
            e.ToTable("strategy_states");
            e.HasKey(s => s.Key);
        });
        builder.Entity<RepCounterRow>(e =>
        {
            e.ToTable("rep_counters");
            e.HasKey(c => new { c.RepId, c.Period });
            e.HasIndex(c => c.Period);
        });
        builder.Entity<FormRow>(e =>
        {
            e.ToTable("forms");
            e.HasKey(f => f.Key);
        });
        builder.Entity<IntakeRulesRow>(e =>
        {
            e.ToTable("intake_rules");
            e.HasKey(f => f.Version);
            e.Property(f => f.Version).ValueGeneratedNever();
        });
        builder.Entity<RoutingVersionRow>(e =>
        {
            e.ToTable("routing_version");
            e.HasKey(v => v.Id);
            e.Property(v => v.Id).ValueGeneratedNever();
            e.HasData(new RoutingVersionRow { Id = 1, Version = 0 });
        });
        builder.Entity<HolidayCalendarRow>(e =>
        {
            e.ToTable("holiday_calendars");
            e.HasKey(c => c.Region);
        });
        builder.Entity<IdempotencyRow>(e =>
        {
            e.ToTable("idempotency_keys");
            e.HasKey(i => new { i.ApiKeyId, i.Key });
        });
    }
}

public sealed class SqliteSwitchboardDb(DbContextOptions<SqliteSwitchboardDb> options) : SwitchboardDb(options)
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>
    /// Microsoft.Data.Sqlite begins transactions with BEGIN IMMEDIATE, so the write lock is taken before
    /// anything is read. Writers in this process first queue on an async gate: SQLite's busy handler
    /// waits by sleeping in growing steps, which under load leaves the database idle between writers
    /// (measured: 200 leads/s without the gate). Other processes still wait on the busy timeout.
    /// </summary>
    public override async Task<RoutingTransaction> BeginRoutingTransactionAsync(CancellationToken ct, bool captures = false)
    {
        var gate = Gates.GetOrAdd(Database.GetConnectionString()!, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            return new RoutingTransaction(this, await Database.BeginTransactionAsync(ct), gate, partitioned: false);
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare or order DateTimeOffset stored as text; store ticks so it can.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<decimal>().HaveConversion<double>();
    }
}

public sealed class PostgresSwitchboardDb(DbContextOptions<PostgresSwitchboardDb> options) : SwitchboardDb(options)
{
    /// <summary>Arbitrary constant naming Switchboard's routing lock among PostgreSQL advisory locks.</summary>
    private const long RoutingLockId = 0x5377_6264_0001;

    /// <summary>The sequence every partitioned routing commit draws from, so others can tell whether routing state moved (see <see cref="RoutingSnapshots"/>).</summary>
    public const string RoutingWrites = "routing_writes";

    public override async Task<RoutingTransaction> BeginRoutingTransactionAsync(CancellationToken ct, bool captures = false)
    {
        var tx = await Database.BeginTransactionAsync(ct);
        await Database.ExecuteSqlRawAsync(captures ? $"SELECT pg_advisory_xact_lock_shared({RoutingLockId})" : $"SELECT pg_advisory_xact_lock({RoutingLockId})", ct);
        return new RoutingTransaction(this, tx, null, partitioned: captures);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.HasSequence<long>(RoutingWrites);
    }

}

/// <summary>
/// The routing transaction. The routing batch begun in it writes its counters and strategy state when it
/// commits and hands its snapshot back after the commit, so no caller can forget either; disposing it
/// without a commit rolls back, keeps the snapshot only if the batch changed nothing, and frees the
/// routing lock.
/// </summary>
public sealed class RoutingTransaction : IAsyncDisposable
{
    private readonly SwitchboardDb _db;
    private readonly IDbContextTransaction _inner;
    private readonly SemaphoreSlim? _gate;
    private RoutingBatch? _batch;
    private readonly HashSet<string> _locked = new(StringComparer.Ordinal);

    public RoutingTransaction(SwitchboardDb db, IDbContextTransaction inner, SemaphoreSlim? gate, bool partitioned)
    {
        _db = db;
        _inner = inner;
        _gate = gate;
        Partitioned = partitioned;
        db.RoutingInputs = new RoutingInputs();
        db.RoutingTransaction = this;
    }

    /// <summary>
    /// Whether this transaction shares the routing lock with others (captures on PostgreSQL): it then
    /// locks each person, team and rule it touches, and reads their routing state afresh once locked.
    /// </summary>
    public bool Partitioned { get; }

    /// <summary>
    /// Partitioned: takes the transaction-scoped locks named by <paramref name="keys"/> that this
    /// transaction does not hold yet, in one sorted statement (so two transactions taking theirs at once
    /// cannot deadlock), and returns those newly taken; otherwise there is nothing to lock (the routing
    /// lock is held alone) and none is returned.
    /// </summary>
    public async Task<IReadOnlyList<string>> LockAsync(IEnumerable<string> keys, CancellationToken ct)
    {
        if (!Partitioned)
        {
            return [];
        }

        var fresh = new List<string>();
        foreach (var key in keys)
        {
            if (_locked.Add(key))
            {
                fresh.Add(key);
            }
        }

        if (fresh.Count > 0)
        {
            await _db.Database.ExecuteSqlAsync(
                $"SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(x, 0) AS k FROM unnest({fresh.ToArray()}) AS x ORDER BY 1) AS sorted",
                ct);
        }

        return fresh;
    }

    /// <summary>The routing batch of this transaction, once a lead was routed in it.</summary>
    public RoutingBatch? Batch => _batch;

    internal void Enlist(RoutingBatch batch) => _batch = batch;

    public async Task CommitAsync(CancellationToken ct)
    {
        if (_batch is not null)
        {
            await _batch.WriteAsync(_db, ct);
        }

        await _inner.CommitAsync(ct);
        _batch?.Committed(_db.RoutingInputs);
        _batch = null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _batch?.Abandoned();
            _batch = null;
            _db.RoutingTransaction = null;
            await _inner.DisposeAsync();
        }
        finally
        {
            _gate?.Release();
        }
    }
}

/// <summary>
/// Per-connection SQLite settings: durability, waiting instead of failing on a busy database, and a
/// large automatic checkpoint because <see cref="SqliteCheckpointer"/> does that work off the writers' path.
/// </summary>
public sealed class SqlitePragmas(string synchronous) : DbConnectionInterceptor
{
    /// <summary>About 40 MB of 4 KB pages: reached only if the background checkpointer falls behind.</summary>
    public const int WriterAutoCheckpointPages = 10_000;

    private readonly string _sql = $"PRAGMA synchronous={synchronous}; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint={WriterAutoCheckpointPages}; PRAGMA busy_timeout=";

    /// <summary>The wait on a database another process holds: the connection string's <c>Default Timeout</c> (30 s unless given).</summary>
    private string Sql(DbConnection connection) =>
        _sql + (((Microsoft.Data.Sqlite.SqliteConnection)connection).DefaultTimeout * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = Sql(connection);
        cmd.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = Sql(connection);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}

// Design-time factories, used only by `dotnet ef migrations add`.
public sealed class SqliteDesignFactory : IDesignTimeDbContextFactory<SqliteSwitchboardDb>
{
    public SqliteSwitchboardDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteSwitchboardDb>().UseSqlite("Data Source=design.db").Options);
}

public sealed class PostgresDesignFactory : IDesignTimeDbContextFactory<PostgresSwitchboardDb>
{
    public PostgresSwitchboardDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresSwitchboardDb>().UseNpgsql("Host=localhost;Database=design").Options);
}
