using System.Globalization;
using Switchboard.Distribution;
using Switchboard.Capture;
using Switchboard.Storage;

namespace Switchboard.Scoring;

/// <summary>
/// The trained conversion model the service scores new leads with (<c>SWITCHBOARD_SCORE_MODEL</c>), if any.
/// A model column is read from the lead field it names (<c>Lead Source</c> → source, <c>Country</c> →
/// country, by the same spellings forms and imports understand), else from the attribute of that name.
/// </summary>
public sealed class LeadScorer
{
    public LeadScorer(SwitchboardOptions options, ILogger<LeadScorer> log)
    {
        if (options.ScoreModel is { } path)
        {
            using var stream = File.OpenRead(path);
            Model = ConversionModel.Load(stream);
            log.LogInformation("Scoring leads with {Path} (held-out AUC {Auc:0.000})", path, Model.Report.Auc);
        }
    }

    public ConversionModel? Model { get; }

    /// <summary>The lead's probability to convert as a 0-100 score, with the reason; null without a model.</summary>
    public (int Score, string Reason)? Score(LeadRow lead)
    {
        if (Model is not { } model)
        {
            return null;
        }

        var attributes = LeadMapping.ReadAttributes(lead.AttributesJson);
        string? ValueOf(string column)
        {
            var fromField = LeadFields.TargetOf(column) switch
            {
                "source" => lead.Source,
                "country" => lead.Country,
                "city" => lead.City,
                "region" => lead.Region,
                "title" => lead.Title,
                "language" => lead.Language,
                "productInterest" => lead.ProductInterest,
                "company.industry" => lead.CompanyIndustry,
                "company.name" => lead.CompanyName,
                "campaign" => lead.Campaign,
                _ => null,
            };
            if (fromField is not null)
            {
                return fromField;
            }

            var attribute = attributes.FirstOrDefault(a => string.Equals(a.Key, column, StringComparison.OrdinalIgnoreCase)).Value;
            return attribute switch
            {
                null => null,
                double d => d.ToString(CultureInfo.InvariantCulture),
                bool b => b ? "Yes" : "No",
                _ => attribute.ToString(),
            };
        }

        var p = model.Predict(ValueOf);
        return ((int)Math.Round(p * 100), $"model: {p:P0} likely to convert (held-out AUC {model.Report.Auc:0.000})");
    }
}
