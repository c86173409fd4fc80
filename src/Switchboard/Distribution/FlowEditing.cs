using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Switchboard.Routing.Flows;
using Switchboard.Storage;
using Switchboard.Work;
using YamlDotNet.RepresentationModel;

namespace Switchboard.Distribution;

/// <summary>A problem with a flow document: the field it is about, why, and where in the text (1-based), when that is known.</summary>
public sealed record FlowProblem(string Field, string Message, int? Line = null, int? Column = null);

/// <summary>
/// Checking and saving flow versions, for <c>PUT /api/routing/flow</c> and the app's flow editor alike:
/// a saved flow compiles and names only teams, reps and pools that exist; versions only ever grow (a
/// roll back saves the old text as the newest version).
/// </summary>
public static partial class FlowEditing
{
    /// <summary>Parses and checks <paramref name="text"/>: the compiled flow, or every problem found, each placed in the text where possible.</summary>
    public static async Task<(CompiledFlow? Flow, List<FlowProblem> Problems)> CheckAsync(string text, string format, SwitchboardDb db, CancellationToken ct)
    {
        var (document, parseError) = FlowDocuments.Parse(text, format);
        if (document is null)
        {
            var (line, column) = parseError!.Position is { } position ? LineAndColumn(text, position - 1) : (null, null);
            return (null, [new FlowProblem(parseError.Field, parseError.Message, line, column)]);
        }

        var (flow, problems) = await CheckAsync(document, db, ct);
        return (problems.Count == 0 ? flow : null, [.. problems.Select(p => Place(text, p.Field, p.Message))]);
    }

    /// <summary>What a saved flow must pass: it compiles, and names only what exists.</summary>
    public static async Task<(CompiledFlow? Flow, List<(string Field, string Message)> Problems)> CheckAsync(FlowDocument document, SwitchboardDb db, CancellationToken ct)
    {
        var (flow, errors) = FlowCompiler.Compile(document, 0);
        List<(string, string)> problems = [.. errors.Select(e => (e.Field, e.Message))];
        problems.AddRange(await References.MissingAsync(db, References.InFlow(document), ct));
        return (flow, problems);
    }

    /// <summary>Saves a checked document as the next version; serialized with routing so that version numbers never collide between instances.</summary>
    public static async Task<int> SaveAsync(SwitchboardDb db, HeldLeadRetrier retrier, string text, string format, string? byKeyId, DateTimeOffset now, CancellationToken ct)
    {
        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        var version = (await db.FlowVersions.MaxAsync(f => (int?)f.Version, ct) ?? 0) + 1;
        db.FlowVersions.Add(new FlowVersionRow { Version = version, Document = text, Format = format, CreatedAt = now, CreatedByKeyId = byKeyId });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        retrier.Poke();
        return version;
    }

    /// <summary>
    /// Where in the document the field named like <c>rules[1].assign.strategy</c> is written: the line
    /// and column of its key (or of the deepest part of the path that exists). Null when the text does
    /// not parse or the path is not in it.
    /// </summary>
    public static (int Line, int Column)? Locate(string text, string field)
    {
        YamlNode node;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0)
            {
                return null;
            }

            node = stream.Documents[0].RootNode;
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return null;
        }

        YamlNode? at = null;
        foreach (Match part in PathPart().Matches(field))
        {
            if (part.Groups["key"].Success)
            {
                if (node is not YamlMappingNode map || map.Children.FirstOrDefault(c => c.Key is YamlScalarNode k && k.Value == part.Groups["key"].Value) is not { Key: { } key } entry)
                {
                    break;
                }

                (at, node) = (key, entry.Value);
            }
            else
            {
                var index = int.Parse(part.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (node is not YamlSequenceNode list || index >= list.Children.Count)
                {
                    break;
                }

                (at, node) = (list.Children[index], list.Children[index]);
            }
        }

        return at is null ? null : ((int)at.Start.Line, (int)at.Start.Column);
    }

    private static FlowProblem Place(string text, string field, string message) =>
        Locate(text, field) is var (line, column) ? new FlowProblem(field, message, line, column) : new FlowProblem(field, message);

    private static (int?, int?) LineAndColumn(string text, int index)
    {
        index = Math.Clamp(index, 0, text.Length);
        var line = 1 + text.AsSpan(0, index).Count('\n');
        var lineStart = index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;
        var column = index - lineStart + 1;
        return (line, column);
    }

    [GeneratedRegex(@"(?<key>[A-Za-z_][\w-]*)|\[(?<index>\d+)\]")]
    private static partial Regex PathPart();
}
