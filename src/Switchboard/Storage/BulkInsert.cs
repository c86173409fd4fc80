using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;
using SQLitePCL;

namespace Switchboard.Storage;

/// <summary>
/// The rows a capture adds by the hundred — leads, timeline entries, decisions, outbox events,
/// Idempotency-Key records — written as multi-row INSERTs instead of one tracked insert each. Columns,
/// tables and value conversions come from the EF Core model, so both providers and their migrations
/// stay the one source of the schema. On PostgreSQL the rows go in by binary COPY. The written entities are detached: nothing reads their
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
            var rows = group.ToList();

            if (connection is SqliteConnection sqlite && shape.BindsByPosition)
            {
                written += PositionalRows(sqlite, sql, shape, rows);
            }
            else if (connection is NpgsqlConnection npgsql)
            {
                written += await CopyRowsAsync(npgsql, sql, shape, rows, ct);
            }
            else
            {
                written += await ParameterRowsAsync(db, connection, transaction, sql, shape, rows, ct);
            }

            foreach (var row in rows)
            {
                row.State = EntityState.Detached;
            }
        }

        return written;
    }

    /// <summary>
    /// SQLite: one prepared statement per table, run once per row with its values bound by position
    /// through SQLitePCL. Microsoft.Data.Sqlite binds by name — a UTF-8 copy of the name and a linear
    /// search of the statement's parameters, per parameter per row — which was 40% of a lead's insert.
    /// </summary>
    private static int PositionalRows(SqliteConnection connection, ISqlGenerationHelper sql, Shape shape, List<EntityEntry> rows)
    {
        var handle = connection.Handle!;
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(handle, shape.PositionalRow(sql), out var statement), handle);
        using (statement)
        {
            foreach (var row in rows)
            {
                for (var c = 0; c < shape.Columns.Count; c++)
                {
                    SqliteException.ThrowExceptionForRC(Bind(statement, c + 1, shape.ProviderValue(row, c)), handle);
                }

                var rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(rc, handle);
                }

                raw.sqlite3_reset(statement);
            }
        }

        return rows.Count;
    }

    /// <summary>A provider value of the kinds <see cref="Shape.BindsByPosition"/> admits, stored as Microsoft.Data.Sqlite would.</summary>
    private static int Bind(sqlite3_stmt statement, int index, object? value) => value switch
    {
        null => raw.sqlite3_bind_null(statement, index),
        string text => raw.sqlite3_bind_text(statement, index, text),
        long n => raw.sqlite3_bind_int64(statement, index, n),
        int n => raw.sqlite3_bind_int64(statement, index, n),
        bool b => raw.sqlite3_bind_int64(statement, index, b ? 1 : 0),
        double d => raw.sqlite3_bind_double(statement, index, d),
        byte[] bytes => raw.sqlite3_bind_blob(statement, index, bytes),
        _ => throw new InvalidOperationException($"no positional binding for {value.GetType()}"),
    };

    /// <summary>
    /// PostgreSQL: one binary COPY per table, each value written as the column's store type (text[],
    /// timestamptz, jsonb) after the model's value conversion — no SQL text or parameters per row.
    /// </summary>
    private static async Task<int> CopyRowsAsync(NpgsqlConnection connection, ISqlGenerationHelper sql, Shape shape, List<EntityEntry> rows, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync(shape.CopyText(sql), ct);
        foreach (var row in rows)
        {
            await copy.StartRowAsync(ct);
            for (var c = 0; c < shape.Columns.Count; c++)
            {
                if (shape.ProviderValue(row, c) is { } value)
                {
                    await copy.WriteAsync(value, shape.Mappings[c].StoreType, ct);
                }
                else
                {
                    await copy.WriteNullAsync(ct);
                }
            }
        }

        return (int)await copy.CompleteAsync(ct);
    }

    /// <summary>
    /// Any SQLite table with other column kinds: parameters made as EF Core makes its
    /// own, with the column's value conversion and provider type (e.g. text[], timestamptz); many rows
    /// per statement on PostgreSQL, to save round trips.
    /// </summary>
    private static async Task<int> ParameterRowsAsync(SwitchboardDb db, DbConnection connection, DbTransaction transaction, ISqlGenerationHelper sql, Shape shape, List<EntityEntry> rows, CancellationToken ct)
    {
        var (columns, mappings, written) = (shape.Columns, shape.Mappings, 0);
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

        return written;
    }

    /// <summary>A bulk type's columns as the model maps them, read once per model.</summary>
    private sealed class Shape
    {
        private static readonly ConcurrentDictionary<IEntityType, Shape> Shapes = new();

        private readonly IClrPropertyGetter?[] _getters;
        private string? _oneRow;
        private string? _positionalRow;
        private string? _copy;

        private Shape(IEntityType type)
        {
            Table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            Columns = [.. type.GetProperties().Where(p => !(p.ValueGenerated == ValueGenerated.OnAdd && p.IsPrimaryKey() && p.ClrType == typeof(long)))];
            Mappings = [.. Columns.Select(c => c.GetRelationalTypeMapping())];
            _getters = [.. Columns.Select(c => c.IsShadowProperty() ? null : c.GetGetter())];
            BindsByPosition = Mappings.All(m => (Nullable.GetUnderlyingType(m.Converter?.ProviderClrType ?? m.ClrType) ?? m.Converter?.ProviderClrType ?? m.ClrType) is var t &&
                (t == typeof(string) || t == typeof(long) || t == typeof(int) || t == typeof(bool) || t == typeof(double) || t == typeof(byte[])));
        }

        /// <summary>Whether every column's stored value is text, an integer, a real or a blob, which SQLite binds by position.</summary>
        public bool BindsByPosition { get; }

        /// <summary>PostgreSQL's <c>COPY … FROM STDIN (FORMAT BINARY)</c> of the columns.</summary>
        public string CopyText(ISqlGenerationHelper sql) => _copy ??=
            $"COPY {sql.DelimitIdentifier(Table.Name, Table.Schema)} ({string.Join(", ", Columns.Select(c => sql.DelimitIdentifier(c.GetColumnName(Table)!)))}) FROM STDIN (FORMAT BINARY)";

        /// <summary>The SQLite insert of one row with positional parameters.</summary>
        public string PositionalRow(ISqlGenerationHelper sql) => _positionalRow ??= InsertText(sql, Table, Columns, 1, positional: true);

        /// <summary>The column's value as the database stores it (after the model's value conversion).</summary>
        public object? ProviderValue(EntityEntry row, int column)
        {
            var value = Value(row, column);
            return value is not null && Mappings[column].Converter is { } converter ? converter.ConvertToProvider(value) : value;
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

    /// <summary>The INSERT of <paramref name="rows"/> rows, its values named <c>@p0</c>, <c>@p1</c>, … or, <paramref name="positional"/>, each <c>?</c>.</summary>
    private static string InsertText(ISqlGenerationHelper sql, StoreObjectIdentifier table, List<IProperty> columns, int rows, bool positional = false)
    {
        var text = new StringBuilder("INSERT INTO ").Append(sql.DelimitIdentifier(table.Name, table.Schema)).Append(" (")
            .AppendJoin(", ", columns.Select(c => sql.DelimitIdentifier(c.GetColumnName(table)!))).Append(") VALUES ");
        for (var r = 0; r < rows; r++)
        {
            text.Append(r == 0 ? "(" : ", (")
                .AppendJoin(", ", columns.Select((_, c) => positional ? "?" : Name((r * columns.Count) + c)))
                .Append(')');
        }

        return text.ToString();
    }
}
