using System.Globalization;
using System.Threading.Channels;
using Switchboard.Intake;
using CsvHelper;
using CsvHelper.Configuration;
using Switchboard.Storage;

namespace Switchboard.Capture;

/// <summary>A row that was not imported: its line in the file and why.</summary>
public sealed record ImportReject(long Line, string Reason);

public sealed record ImportResult(long Imported, long Duplicates, long Rejected, IReadOnlyList<ImportReject> Rejects);

/// <summary>An import whose input broke off after <see cref="LastLine"/>: the rows up to there are stored, as <see cref="SoFar"/> counts.</summary>
public sealed class ImportStoppedException(ImportResult soFar, long lastLine, Exception inner)
    : Exception($"the input broke off after line {lastLine}: {inner.Message}", inner)
{
    public ImportResult SoFar { get; } = soFar;

    public long LastLine { get; } = lastLine;
}

/// <summary>
/// Imports a CSV file row by row without loading it: each good row is captured like any other lead
/// (cleaned, deduplicated, screened, routed), each bad row becomes a reject with its line and reason.
/// Rows are committed in batches, each in one routing transaction; a re-run of the same file merges
/// every row into the lead it created the first time.
/// </summary>
public sealed class CsvImport(IServiceScopeFactory scopes, LeadCapture capture, IntakeRulesStore intakeRules, TimeProvider time)
{
    public const int BatchSize = 200;

    /// <param name="onReject">Called for each bad row as it is found (the CLI writes the reject file from here).</param>
    /// <param name="progress">Bytes of the file read so far, after each batch.</param>
    /// <param name="keepRejects">How many rejects to keep in the result; the count is always exact.</param>
    public async Task<ImportResult> RunAsync(
        Stream csv,
        IReadOnlyDictionary<string, string> map,
        string actor,
        string how,
        Action<ImportReject>? onReject = null,
        IProgress<long>? progress = null,
        int keepRejects = int.MaxValue,
        CancellationToken ct = default)
    {
        using var reader = new StreamReader(csv);
        using var parser = new CsvReader(reader, Configuration());
        if (!await parser.ReadAsync() || !parser.ReadHeader() || parser.HeaderRecord is not { Length: > 0 } header)
        {
            return new ImportResult(0, 0, 0, []);
        }

        // Whether rows need a way to reach the person: the intake rules as they stand when the import begins.
        IntakeRules rules;
        await using (var scope = scopes.CreateAsyncScope())
        {
            rules = await intakeRules.CurrentAsync(scope.ServiceProvider.GetRequiredService<SwitchboardDb>(), ct);
        }

        long imported = 0, duplicates = 0, rejected = 0;
        var rejects = new List<ImportReject>();
        void Reject(long line, string reason)
        {
            rejected++;
            var r = new ImportReject(line, reason);
            if (rejects.Count < keepRejects)
            {
                rejects.Add(r);
            }

            onReject?.Invoke(r);
        }

        // Parsing and cleaning the next batch (its own thread) overlaps capturing and committing this
        // one; two batches ahead at most, so memory stays flat however long the file.
        var parsed = Channel.CreateBounded<(List<LeadRow> Rows, long Position, long LastLine)>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        using var stopParsing = CancellationTokenSource.CreateLinkedTokenSource(ct); // a failed batch stops the reader too
        var parsing = Task.Run(async () =>
        {
            try
            {
                var more = true;
                while (more)
                {
                    var rows = new List<LeadRow>(BatchSize);
                    var now = time.GetUtcNow();
                    while (rows.Count < BatchSize && (more = await parser.ReadAsync()))
                    {
                        var line = parser.Parser.RawRow;
                        var record = parser.Parser.Record ?? [];
                        if (record.Length != header.Length)
                        {
                            Reject(line, $"{record.Length} columns where the header has {header.Length}");
                            continue;
                        }

                        var errors = new FieldErrors();
                        var input = LeadFields.Build(header.Zip(record, KeyValuePair.Create), map, errors);
                        input.Validate(errors);
                        if (errors.Any)
                        {
                            Reject(line, string.Join("; ", errors.All.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
                            continue;
                        }

                        var row = input.ToRow(LeadIds.Next(now), null, now, channel: "import");
                        if (rules.Refuse(row.Email, row.Phone) is var (field, reason))
                        {
                            Reject(line, $"{field}: {reason}");
                            continue;
                        }

                        rows.Add(row);
                    }

                    await parsed.Writer.WriteAsync((rows, reader.BaseStream.CanSeek ? reader.BaseStream.Position : -1, parser.Parser.RawRow), stopParsing.Token);
                }

                parsed.Writer.Complete();
            }
            catch (Exception e)
            {
                parsed.Writer.Complete(e);
            }
        }, CancellationToken.None);

        var committed = 0L; // the input's last line whose batch is stored
        try
        {
            await foreach (var (rows, position, lastLine) in parsed.Reader.ReadAllAsync(ct))
            {
                if (rows.Count > 0)
                {
                    var (i, d) = await CommitAsync(rows, actor, how, ct);
                    imported += i;
                    duplicates += d;
                }

                committed = lastLine;
                progress?.Report(position >= 0 ? position : imported + duplicates + Volatile.Read(ref rejected));
            }
        }
        catch (Exception e) when (parsed.Reader.Completion.IsFaulted) // the reader's failure, not a commit's
        {
            // The input broke off (too large, cut, unreadable): what came before it is stored and stays.
            throw new ImportStoppedException(new ImportResult(imported, duplicates, rejected, rejects), committed, e);
        }
        finally
        {
            await stopParsing.CancelAsync();
            await parsing;
        }

        return new ImportResult(imported, duplicates, rejected, rejects);
    }

    /// <summary>
    /// One batch in one routing transaction; counts of new leads and merged duplicates. A batch that lost
    /// a deadlock to another instance's capture (PostgreSQL) is tried again from the rows as parsed.
    /// </summary>
    private async Task<(long Imported, long Duplicates)> CommitAsync(List<LeadRow> parsed, string actor, string how, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
                await using var tx = await db.BeginRoutingTransactionAsync(ct, captures: true);
                var now = time.GetUtcNow();
                var rows = parsed.Select(r => r.Copy()).ToList();
                var batch = await capture.BeginAsync(db, rows, now, ct);
                long imported = 0, duplicates = 0;
                foreach (var lead in rows)
                {
                    lead.CreatedAt = lead.UpdatedAt = now;
                    var captured = await capture.CaptureOrMergeAsync(db, batch, lead, actor, how, now, ct);
                    if (captured.Duplicate)
                    {
                        duplicates++;
                    }
                    else
                    {
                        imported++;
                    }
                }

                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return (imported, duplicates);
            }
            catch (Exception e) when (attempt < 5 && StorageExtensions.IsTransient(e))
            {
            }
        }
    }

    /// <summary>How Switchboard reads CSV: comma, semicolon or tab found by itself; ragged rows are reported, not thrown.</summary>
    public static CsvConfiguration Configuration() => new(CultureInfo.InvariantCulture)
    {
        DetectDelimiter = true,
        BadDataFound = null,
        MissingFieldFound = null,
        TrimOptions = TrimOptions.Trim,
    };

    /// <summary>A column map written <c>Column:field,Other column:company.name</c> (API) or read from YAML (CLI).</summary>
    public static Dictionary<string, string> ParseMap(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split(':', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
}
