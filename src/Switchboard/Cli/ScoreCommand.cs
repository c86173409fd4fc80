using System.CommandLine;
using Spectre.Console;
using Switchboard.Scoring;

namespace Switchboard.Cli;

/// <summary><c>switchboard score train HISTORY.csv</c>: learns a conversion model from past leads and their outcomes.</summary>
public static class ScoreCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("history") { Description = "CSV of past leads with an outcome column" };
        var label = new Option<string>("--label") { Description = "The outcome column (1/true/yes = converted)", DefaultValueFactory = _ => "Converted" };
        var exclude = new Option<string?>("--exclude") { Description = "Comma-separated columns filled after the lead arrived (they would inflate accuracy)" };
        var leak = new Option<double>("--leak-auc") { Description = "Refuse any column that alone predicts the outcome at or above this AUC", DefaultValueFactory = _ => 0.85 };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the model (default HISTORY.model)" };
        var force = new Option<bool>("--force") { Description = "Write the model even when it does not beat the logistic baseline" };
        var train = new Command("train", "Train a conversion model; reports AUC on a held-out fifth") { file, label, exclude, leak, output, force };
        train.SetAction(async (parse, ct) =>
        {
            var csv = parse.GetValue(file)!;
            if (!csv.Exists)
            {
                await Console.Error.WriteLineAsync($"no such file: {csv.FullName}");
                return 2;
            }

            var excluded = (parse.GetValue(exclude) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            ConversionModel model;
            try
            {
                using var reader = new StreamReader(csv.FullName);
                model = ConversionModel.Train(reader, parse.GetValue(label)!, excluded, parse.GetValue(leak));
            }
            catch (InvalidDataException e)
            {
                await Console.Error.WriteLineAsync($"{csv.Name}: {e.Message}");
                return 2;
            }

            var r = model.Report;
            AnsiConsole.MarkupLine($"{r.Rows} leads ({r.PositiveRate:P1} converted); trained on {r.TrainRows}, tested on {r.TestRows}");
            AnsiConsole.MarkupLine($"AUC on the held-out leads: [bold]{r.Auc:0.000}[/] (logistic baseline on the same columns: {r.LogisticAuc:0.000})");
            AnsiConsole.MarkupLine($"Columns used: {Markup.Escape(string.Join(", ", r.Categorical.Concat(r.Numeric)))}");
            foreach (var left in r.LeftOut)
            {
                AnsiConsole.MarkupLine($"Left out [yellow]{Markup.Escape(left.Column)}[/]: {Markup.Escape(left.Reason)}");
            }

            // A model that a plain logistic regression beats scores leads worse than the simple thing would.
            var beaten = !BeatsBaseline(r);
            if (beaten)
            {
                await Console.Error.WriteLineAsync(
                    $"WARNING: the model's AUC ({r.Auc:0.000}) does not beat the logistic baseline ({r.LogisticAuc:0.000}) on the same columns: " +
                    "more history or other columns may help. " + (parse.GetValue(force) ? "Writing it anyway (--force)." : "No model written; --force writes it anyway."));
                if (!parse.GetValue(force))
                {
                    return 3;
                }
            }

            var path = parse.GetValue(output)?.FullName ?? Path.ChangeExtension(csv.FullName, ".model");
            await using (var stream = File.Create(path))
            {
                model.Save(stream);
            }

            AnsiConsole.MarkupLine($"Model written to {Markup.Escape(path)}; serve it with SWITCHBOARD_SCORE_MODEL={Markup.Escape(path)}");
            return 0;
        });
        return new Command("score", "Learned lead scoring") { train };
    }

    /// <summary>Whether the learned model ranks held-out leads better than the logistic baseline.</summary>
    public static bool BeatsBaseline(TrainingReport report) => report.Auc > report.LogisticAuc;
}
