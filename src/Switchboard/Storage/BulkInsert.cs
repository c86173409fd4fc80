using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Switchboard.Storage;

/// <summary>
/// The rows a capture adds by the hundred — leads, timeline entries, decisions, outbox events,
/// Idempotency-Key records — written as multi-row INSERTs instead of one tracked insert each. Columns,
/// tables and value conversions come from the EF Core model, so both providers and their migrations
/// stay the one source of the schema. The written entities are detached: nothing reads their
/// database-generated ids afterwards.
/// </summary>
public static class BulkInsert
{
    private static readonly Type[] Bulk = [typeof(LeadRow), typeof(LeadEventRow), typeof(DecisionRow), typeof(OutboxRow), typeof(IdempotencyRow)];

    /// <summary>Both providers take far more; kept low so one statement stays small.</summary>
    private const int MaxParameters = 4000;

    /// <summary>Whether the save has rows this writes.</summary>
    public static bool HasRows(SwitchboardDb db) => db.ChangeTracker.Entries().Any(e => e.State == EntityState.Added && Bulk.Contains(e.Metadata.ClrType));

    /// <summary>Writes the added rows of the bulk types in the current transaction (the caller holds one) and detaches them; returns how many.</summary>
    public static async Task<int> AddedRowsAsync(SwitchboardDb db, CancellationToken ct)
    {
        var added = db.ChangeTracker.Entries()
            .Where(e => e.State == EntityState.Added && Bulk.Contains(e.Metadata.ClrType))
            .GroupBy(e => e.Metadata.ClrType)
            .OrderBy(g => Array.IndexOf(Bulk, g.Key)) // leads before what refers to them
            .ToList();
        if (added.Count == 0)
        {
            return 0;
        }

        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("bulk rows are written inside the save's transaction");
        var sql = db.GetService<ISqlGenerationHelper>();
        var written = 0;

        // Each parameter is made as EF Core makes its own: the column's value conversion and provider
        // type (e.g. text[], timestamptz).
        foreach (var group in added)
        {
            var shape = Shape.Of(group.First().Metadata);
            var columns = shape.Columns;
            var rows = group.ToList();
            var mappings = shape.Mappings;

            // SQLite: one row per statement, prepared once and run for every row (Microsoft.Data.Sqlite
            // binds by name, which grows with the square of a statement's parameters). PostgreSQL:
            // many rows per statement, to save round trips.
            var perStatement = db.Database.IsSqlite() ? 1 : Math.Max(1, MaxParameters / columns.Count);
            DbCommand? command = null;
            var commandRows = 0;
            try
            {
                for (var start = 0; start < rows.Count; start += perStatement)
                {
                    var chunk = rows.Skip(start).Take(perStatement).ToList();
                    if (command is null || commandRows != chunk.Count)
                    {
                        if (command is not null)
                        {
                            await command.DisposeAsync();
                        }

                        command = connection.CreateCommand();
                        command.Transaction = transaction;
                        command.CommandText = chunk.Count == 1 ? shape.OneRow(sql) : InsertText(sql, shape.Table, columns, chunk.Count);
                        commandRows = chunk.Count;
                    }

                    command.Parameters.Clear();
                    for (var r = 0; r < chunk.Count; r++)
                    {
                        for (var c = 0; c < columns.Count; c++)
                        {
                            command.Parameters.Add(mappings[c].CreateParameter(command, Name((r * columns.Count) + c), shape.Value(chunk[r], c), columns[c].IsNullable));
                        }
                    }

                    written += await command.ExecuteNonQueryAsync(ct);
                }
            }
            finally
            {
                if (command is not null)
                {
                    await command.DisposeAsync();
                }
            }

            foreach (var row in rows)
            {
                row.State = EntityState.Detached;
            }
        }

        return written;
    }

    /// <summary>A bulk type's columns as the model maps them, read once per model.</summary>
    private sealed class Shape
    {
        private static readonly ConcurrentDictionary<IEntityType, Shape> Shapes = new();

        private readonly IClrPropertyGetter?[] _getters;
        private string? _oneRow;

        private Shape(IEntityType type)
        {
            Table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            Columns = [.. type.GetProperties().Where(p => !(p.ValueGenerated == ValueGenerated.OnAdd && p.IsPrimaryKey() && p.ClrType == typeof(long)))];
            Mappings = [.. Columns.Select(c => c.GetRelationalTypeMapping())];
            _getters = [.. Columns.Select(c => c.IsShadowProperty() ? null : c.GetGetter())];
        }

        public StoreObjectIdentifier Table { get; }
        public List<IProperty> Columns { get; }
        public RelationalTypeMapping[] Mappings { get; }

        public static Shape Of(IEntityType type) => Shapes.GetOrAdd(type, static t => new Shape(t));

        /// <summary>The column's value, read straight from the entity (no property-values snapshot per read).</summary>
        public object? Value(EntityEntry row, int column) =>
            _getters[column] is { } get ? get.GetClrValueUsingContainingEntity(row.Entity) : row.CurrentValues[Columns[column]];

        public string OneRow(ISqlGenerationHelper sql) => _oneRow ??= InsertText(sql, Table, Columns, 1);
    }

    private static readonly string[] Names = [.. Enumerable.Range(0, MaxParameters + 64).Select(i => $"@p{i}")];

    private static string Name(int i) => i < Names.Length ? Names[i] : $"@p{i}";

    private static string InsertText(ISqlGenerationHelper sql, StoreObjectIdentifier table, List<IProperty> columns, int rows)
    {
        var text = new StringBuilder("INSERT INTO ").Append(sql.DelimitIdentifier(table.Name, table.Schema)).Append(" (")
            .AppendJoin(", ", columns.Select(c => sql.DelimitIdentifier(c.GetColumnName(table)!))).Append(") VALUES ");
        for (var r = 0; r < rows; r++)
        {
            text.Append(r == 0 ? "(" : ", (")
                .AppendJoin(", ", columns.Select((_, c) => $"@p{(r * columns.Count) + c}"))
                .Append(')');
        }

        return text.ToString();
    }
}
