using System.CommandLine;
using System.Globalization;
using System.Text;
using Switchboard.Cli;

namespace Switchboard.Tests.Cli;

/// <summary><c>switchboard score train</c> refuses to write a model that a plain logistic regression beats.</summary>
public sealed class ScoreCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("switchboard-score-").FullName;

    /// <summary>
    /// 400 leads whose conversion is a smooth function of five numbers: a logistic regression's home ground,
    /// where boosted trees on 320 rows rank worse.
    /// </summary>
    private string LinearHistory()
    {
        var random = new Random(7);
        var csv = new StringBuilder("A,B,C,D,E,Converted\n");
        for (var i = 0; i < 400; i++)
        {
            var xs = Enumerable.Range(0, 5).Select(_ => Math.Round(random.NextDouble(), 1)).ToArray();
            var p = 1 / (1 + Math.Exp(-(3 * xs.Sum() - 7.5)));
            csv.Append(string.Join(',', xs.Select(x => x.ToString(CultureInfo.InvariantCulture)))).Append(',').Append(random.NextDouble() < p ? 1 : 0).Append('\n');
        }

        var path = Path.Combine(_folder, "linear.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    private static Task<int> Run(params string[] args) => new RootCommand { ScoreCommand.Create() }.Parse(args).InvokeAsync();

    [Fact]
    public async Task ModelThatLosesToItsBaseline_ExitsNonZeroAndWritesNothing_UnlessForced()
    {
        var history = LinearHistory();
        var model = Path.Combine(_folder, "out.model");

        Assert.Equal(3, await Run("score", "train", history, "--out", model));
        Assert.False(File.Exists(model));

        Assert.Equal(0, await Run("score", "train", history, "--out", model, "--force"));
        Assert.True(File.Exists(model));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
