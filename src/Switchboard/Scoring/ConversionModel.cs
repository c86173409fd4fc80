using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Switchboard.Scoring;

/// <summary>What the model reads: the categorical and numeric arrival-time columns, in <see cref="FeatureSpec"/> order.</summary>
public sealed class ModelInput
{
    public string[] Categorical { get; set; } = [];
    public float[] Numeric { get; set; } = [];
    public bool Label { get; set; }
}

public sealed class ModelOutput
{
    public bool PredictedLabel { get; set; }
    public float Probability { get; set; }
    public float Score { get; set; }
}

/// <summary>The columns a model uses, by kind, and the label it predicts.</summary>
public sealed record FeatureSpec(string Label, string[] Categorical, string[] Numeric);

/// <summary>A column left out of training, and why.</summary>
public sealed record ColumnVerdict(string Column, string Reason);

public sealed record TrainingReport(
    int Rows,
    int TrainRows,
    int TestRows,
    double PositiveRate,
    double Auc,
    double LogisticAuc,
    IReadOnlyList<string> Categorical,
    IReadOnlyList<string> Numeric,
    IReadOnlyList<ColumnVerdict> LeftOut);

/// <summary>
/// A conversion model learned from history (ML.NET, boosted trees), using only columns known when a lead
/// arrives: columns the admin names as filled later are excluded, identifiers are dropped, and any column
/// that predicts the outcome too well on its own (held-out AUC above the leak threshold) is refused as
/// probably filled after contact. Reports AUC on a held-out split next to a logistic baseline.
/// </summary>
public sealed class ConversionModel
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly SchemaDefinition _schema;
    private readonly PredictionEngine<ModelInput, ModelOutput> _engine;
    private readonly Lock _gate = new();

    private ConversionModel(MLContext ml, ITransformer model, FeatureSpec spec, TrainingReport report)
    {
        _ml = ml;
        _model = model;
        Spec = spec;
        Report = report;
        _schema = Schema(spec);
        _engine = ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model, inputSchemaDefinition: _schema);
    }

    public FeatureSpec Spec { get; }

    public TrainingReport Report { get; }

    public static ConversionModel Train(TextReader csv, string label, IReadOnlyCollection<string> exclude, double leakAuc = 0.85, int seed = 42)
    {
        using var reader = new CsvReader(csv, new CsvConfiguration(CultureInfo.InvariantCulture) { DetectDelimiter = true, BadDataFound = null, MissingFieldFound = null });
        reader.Read();
        reader.ReadHeader();
        var header = reader.HeaderRecord ?? throw new InvalidDataException("the file has no header row");
        var labelIndex = Array.FindIndex(header, h => string.Equals(h, label, StringComparison.OrdinalIgnoreCase));
        if (labelIndex < 0)
        {
            throw new InvalidDataException($"no column '{label}' (columns: {string.Join(", ", header)})");
        }

        var rows = new List<string[]>();
        while (reader.Read())
        {
            if (reader.Parser.Record is { } r && r.Length == header.Length)
            {
                rows.Add(r);
            }
        }

        var labels = rows.Select(r => IsPositive(r[labelIndex])).ToArray();
        var order = Enumerable.Range(0, rows.Count).ToArray();
        new Random(seed).Shuffle(order);
        var testCount = rows.Count / 5;
        var test = order[..testCount];
        var train = order[testCount..];

        var leftOut = new List<ColumnVerdict>();
        var categorical = new List<int>();
        var numeric = new List<int>();
        for (var c = 0; c < header.Length; c++)
        {
            if (c == labelIndex)
            {
                continue;
            }

            if (exclude.Contains(header[c], StringComparer.OrdinalIgnoreCase))
            {
                leftOut.Add(new ColumnVerdict(header[c], "excluded: filled after the lead arrives"));
                continue;
            }

            var values = rows.Select(r => r[c].Trim()).ToArray();
            if (values.Distinct().Count() > rows.Count * 0.9)
            {
                leftOut.Add(new ColumnVerdict(header[c], "an identifier (nearly every value distinct)"));
                continue;
            }

            var isNumber = values.All(v => v.Length == 0 || float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
            var alone = SingleColumnAuc(values, labels, train, test, isNumber);
            if (alone >= leakAuc)
            {
                leftOut.Add(new ColumnVerdict(header[c], $"refused: predicts the outcome alone with AUC {alone:0.000} ≥ {leakAuc:0.00}, so it is probably filled after contact"));
                continue;
            }

            (isNumber ? numeric : categorical).Add(c);
        }

        var spec = new FeatureSpec(header[labelIndex], [.. categorical.Select(c => header[c])], [.. numeric.Select(c => header[c])]);
        ModelInput ToInput(int i) => new()
        {
            Categorical = [.. categorical.Select(c => rows[i][c].Trim())],
            Numeric = [.. numeric.Select(c => ParseNumber(rows[i][c]))],
            Label = labels[i],
        };

        var ml = new MLContext(seed);
        var schema = Schema(spec);
        var trainData = ml.Data.LoadFromEnumerable(train.Select(ToInput), schema);
        var testData = ml.Data.LoadFromEnumerable(test.Select(ToInput), schema);
        // Only the kinds of column the history has: an empty vector column would break the encoders.
        IEstimator<ITransformer> features = new EstimatorChain<ITransformer>();
        var parts = new List<string>();
        if (categorical.Count > 0)
        {
            features = features.Append(ml.Transforms.Categorical.OneHotEncoding("CategoricalEncoded", nameof(ModelInput.Categorical)));
            parts.Add("CategoricalEncoded");
        }

        if (numeric.Count > 0)
        {
            features = features.Append(ml.Transforms.ReplaceMissingValues("NumericClean", nameof(ModelInput.Numeric)));
            parts.Add("NumericClean");
        }

        if (parts.Count == 0)
        {
            throw new InvalidDataException($"no column is left to learn from ({string.Join("; ", leftOut.Select(l => $"{l.Column}: {l.Reason}"))})");
        }

        features = features.Append(ml.Transforms.Concatenate("Features", [.. parts]));

        var trees = features.Append(ml.BinaryClassification.Trainers.FastTree(
            labelColumnName: nameof(ModelInput.Label), numberOfLeaves: 16, numberOfTrees: 300, minimumExampleCountPerLeaf: 20, learningRate: 0.05));
        var model = trees.Fit(trainData);
        var auc = ml.BinaryClassification.Evaluate(model.Transform(testData), nameof(ModelInput.Label)).AreaUnderRocCurve;

        var logistic = features.Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(labelColumnName: nameof(ModelInput.Label)));
        var logisticAuc = ml.BinaryClassification.Evaluate(logistic.Fit(trainData).Transform(testData), nameof(ModelInput.Label)).AreaUnderRocCurve;

        var report = new TrainingReport(rows.Count, train.Length, test.Length, labels.Count(l => l) / (double)rows.Count, auc, logisticAuc, spec.Categorical, spec.Numeric, leftOut);
        return new ConversionModel(ml, model, spec, report);
    }

    /// <summary>
    /// The probability of conversion for a lead whose column values <paramref name="valueOf"/> gives
    /// (null or empty when unknown).
    /// </summary>
    public double Predict(Func<string, string?> valueOf)
    {
        var input = new ModelInput
        {
            Categorical = [.. Spec.Categorical.Select(c => valueOf(c)?.Trim() ?? "")],
            Numeric = [.. Spec.Numeric.Select(c => ParseNumber(valueOf(c)))],
        };
        lock (_gate)
        {
            return _engine.Predict(input).Probability;
        }
    }

    /// <summary>One file: the ML.NET model and the feature spec with the training report.</summary>
    public void Save(Stream stream)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        using (var model = zip.CreateEntry("model.zip").Open())
        {
            _ml.Model.Save(_model, null, model);
        }

        using var meta = zip.CreateEntry("model.json").Open();
        JsonSerializer.Serialize(meta, new SavedMeta(Spec, Report));
    }

    public static ConversionModel Load(Stream stream)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        SavedMeta meta;
        using (var json = zip.GetEntry("model.json")!.Open())
        {
            meta = JsonSerializer.Deserialize<SavedMeta>(json)!;
        }

        var ml = new MLContext(0);
        using var buffer = new MemoryStream();
        using (var model = zip.GetEntry("model.zip")!.Open())
        {
            model.CopyTo(buffer);
        }

        buffer.Position = 0;
        return new ConversionModel(ml, ml.Model.Load(buffer, out _), meta.Spec, meta.Report);
    }

    private sealed record SavedMeta(FeatureSpec Spec, TrainingReport Report);

    private static SchemaDefinition Schema(FeatureSpec spec)
    {
        var schema = SchemaDefinition.Create(typeof(ModelInput));
        schema[nameof(ModelInput.Categorical)].ColumnType = new VectorDataViewType(TextDataViewType.Instance, Math.Max(1, spec.Categorical.Length));
        schema[nameof(ModelInput.Numeric)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Math.Max(1, spec.Numeric.Length));
        return schema;
    }

    private static bool IsPositive(string value) =>
        value.Trim() is "1" or "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "converted" or "won";

    private static float ParseNumber(string? value) =>
        float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? f : float.NaN;

    /// <summary>How well one column alone separates the outcomes on the held-out rows (smoothed per-value rates, or the value itself).</summary>
    private static double SingleColumnAuc(string[] values, bool[] labels, int[] train, int[] test, bool isNumber)
    {
        double[] scores;
        if (isNumber)
        {
            scores = [.. test.Select(i => (double)ParseNumber(values[i]) is var v && double.IsNaN(v) ? double.MinValue : v)];
        }
        else
        {
            var prior = train.Count(i => labels[i]) / (double)train.Length;
            var rates = train.GroupBy(i => values[i]).ToDictionary(g => g.Key, g => (g.Count(i => labels[i]) + (prior * 10)) / (g.Count() + 10.0));
            scores = [.. test.Select(i => rates.TryGetValue(values[i], out var r) ? r : prior)];
        }

        var auc = Auc(scores, [.. test.Select(i => labels[i])]);
        return Math.Max(auc, 1 - auc);
    }

    private static double Auc(double[] scores, bool[] labels)
    {
        var order = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ToArray();
        var ranks = new double[scores.Length];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j < order.Length && scores[order[j]] == scores[order[i]])
            {
                j++;
            }

            for (var k = i; k < j; k++)
            {
                ranks[order[k]] = (i + j + 1) / 2.0;
            }

            i = j;
        }

        double positives = labels.Count(l => l), negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            return 0.5;
        }

        var sum = Enumerable.Range(0, labels.Length).Where(i => labels[i]).Sum(i => ranks[i]);
        return (sum - (positives * (positives + 1) / 2)) / (positives * negatives);
    }
}
