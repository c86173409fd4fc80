using System.CommandLine;
using Spectre.Console;
using Switchboard.Capture;
using YamlDotNet.Serialization;

namespace Switchboard.Cli;

/// <summary>
/// <c>switchboard import FILE.csv [--mapping map.yaml]</c>: imports straight into the database the service
/// uses (same cleaning, duplicates, screening and routing), with a progress bar and a reject file.
/// </summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The CSV file (header row first; delimiter detected)" };
        var mapping = new Option<FileInfo?>("--mapping") { Description = "YAML: column name → lead field, e.g. 'E-Mail Address: email'" };
        var rejectsFile = new Option<FileInfo?>("--rejects") { Description = "Where to write rejected rows (default FILE.rejects.csv)" };
        var db = new Option<string?>("--db") { Description = "SQLite file or connection string, or a PostgreSQL connection string (default ./data/switchboard.db)" };
        var command = new Command("import", "Import leads from a CSV file") { file, mapping, rejectsFile, db };
        command.SetAction(async (parse, ct) =>
        {
            var csv = parse.GetValue(file)!;
            if (!csv.Exists)
            {
                await Console.Error.WriteLineAsync($"no such file: {csv.FullName}");
                return 2;
            }

            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (parse.GetValue(mapping) is { } m)
            {
                var yaml = new DeserializerBuilder().Build().Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(m.FullName, ct)) ?? [];
                foreach (var (column, target) in yaml)
                {
                    if (LeadFields.TargetError(target) is { } error)
                    {
                        await Console.Error.WriteLineAsync($"{m.Name}: column '{column}': {error}");
                        return 2;
                    }

                    map[column] = target;
                }
            }

            string[] args = parse.GetValue(db) is { } d ? ["--DB", d] : [];
            await using var app = await SwitchboardApp.CreateAsync(args, b => b.Logging.SetMinimumLevel(LogLevel.Warning));
            var import = app.Services.GetRequiredService<CsvImport>();
            var rejectsPath = parse.GetValue(rejectsFile)?.FullName ?? Path.ChangeExtension(csv.FullName, ".rejects.csv");
            await using var rejects = new StreamWriter(rejectsPath);
            await rejects.WriteLineAsync("line,reason");

            ImportResult? result = null;
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask($"Importing {csv.Name}", maxValue: Math.Max(1, csv.Length));
                    await using var stream = csv.OpenRead();
                    result = await import.RunAsync(
                        stream, map, "import", $"by import of {csv.Name}",
                        onReject: r => rejects.WriteLine($"{r.Line},\"{r.Reason.Replace("\"", "\"\"", StringComparison.Ordinal)}\""),
                        progress: new Progress<long>(bytes => task.Value = bytes),
                        keepRejects: 0,
                        ct: ct);
                    task.Value = task.MaxValue;
                });

            AnsiConsole.MarkupLine($"[green]{result!.Imported}[/] imported, [yellow]{result.Duplicates}[/] merged into existing leads, [red]{result.Rejected}[/] rejected" +
                                   (result.Rejected > 0 ? $" (see {Markup.Escape(rejectsPath)})" : ""));
            return 0;
        });
        return command;
    }
}
