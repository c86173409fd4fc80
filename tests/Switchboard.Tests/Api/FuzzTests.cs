using System.Globalization;
using System.Net;
using System.Text;
using CsCheck;

namespace Switchboard.Tests.Api;

/// <summary>
/// Random and mutated input on every door a stranger or an integration can knock on — leads as JSON,
/// public forms (urlencoded and JSON), flow and intake-rule documents, CSV imports: never a 500, every
/// refusal a problem+json, and the service still routes a plain lead afterwards. A short run here;
/// <c>SWITCHBOARD_FUZZ_ITERATIONS</c> makes it as long as wanted (bench/README.md).
/// </summary>
public abstract class FuzzTests(TestDatabase database) : HostedTests(database)
{
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("SWITCHBOARD_FUZZ_ITERATIONS"), out var n) ? n / 100 : 400;

    private const string Flow = """
        rules:
          - name: big
            when: "company.employees >= 1000 and country in ['US', 'CA']"
            assign: { to: { team: sdr }, strategy: round-robin }
            sla: { accept: 1h }
        fallback: { pool: unassigned }
        """;

    private const string Intake = """
        disqualify:
          - name: spam
            when: "email endsWith '@spam.example'"
        scoring:
          fit: [{ when: "country == 'US'", points: 20 }]
          mql: 10
        """;

    protected override Task<ServiceHost> StartAsync(string db) => ServiceHost.StartAsync(db, settings: new Dictionary<string, string>
    {
        ["LEAD_CLOCK"] = "false",
        ["RATE_LIMIT_PER_FORM"] = "0", // a long run sends more than any limit allows
        ["RATE_LIMIT_PER_KEY"] = "0",
        ["RATE_LIMIT_PER_ADDRESS"] = "0",
    });

    protected override async Task SetUpAsync()
    {
        await RoundRobinTeamAsync("a", "b");
        await Admin.PostOk("/api/forms", new { key = "contact", name = "Contact", fieldMap = new Dictionary<string, string> { ["mail"] = "email" } });
    }

    /// <summary>Any text, written as a JSON string with every unusual character escaped (lone surrogates and NUL included).</summary>
    private static string JsonString(string s)
    {
        var b = new StringBuilder("\"");
        foreach (var c in s)
        {
            b.Append(c is '"' or '\\' ? "\\" + c : c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return b.Append('"').ToString();
    }

    private static readonly Gen<string> Text = Gen.OneOf(Gen.String, Gen.String.AlphaNumeric, Gen.Const(""), Gen.Const("a@b.io"), Gen.Const("\0"), Gen.Const("\uD800"), Gen.Const(new string('x', 70_000)));

    private static Gen<string> Value(int depth) => depth <= 0
        ? Gen.OneOf(Text.Select(JsonString), Gen.Long.Select(v => v.ToString(CultureInfo.InvariantCulture)), Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "1e400"), Gen.Const("null"), Gen.Const("true"), Gen.Const("[]"), Gen.Const("{}"))
        : Gen.OneOf(
            Value(0),
            Value(depth - 1).Array[0, 4].Select(items => "[" + string.Join(",", items) + "]"),
            Gen.Select(Gen.OneOf(Gen.Const("email"), Gen.Const("company"), Gen.Const("attributes"), Gen.Const("phone"), Gen.String.AlphaNumeric), Value(depth - 1)).Array[0, 4]
                .Select(fields => "{" + string.Join(",", fields.Select(f => JsonString(f.Item1) + ":" + f.Item2)) + "}"));

    private static readonly string[] Fields = ["email", "phone", "firstName", "lastName", "country", "score", "value", "company", "attributes", "externalId", "source", "utm", "language", "postalCode"];

    /// <summary>A lead whose fields each may be right, wrong in type, or hostile, with now and then a byte-level cut or insert.</summary>
    private static readonly Gen<string> Lead = Gen.Select(
            Gen.Int[0, Fields.Length - 1].Select(Gen.OneOf(Gen.Const("\"ada@example.com\""), Gen.Const("\"+1 415 555 0100\""), Value(2)), (f, v) => JsonString(Fields[f]) + ":" + v).Array[1, 8],
            Gen.Int[0, 9], Gen.Int[0, 400], Gen.Char)
        .Select((fields, mutate, at, c) =>
        {
            var json = "{" + string.Join(",", fields) + "}";
            at = Math.Min(at, json.Length);
            return mutate switch
            {
                0 => json.Remove(at, Math.Min(3, json.Length - at)),
                1 => json.Insert(at, c.ToString()),
                2 => json + json,
                _ => json,
            };
        });

    /// <summary>A document with random cuts, inserts and YAML's sharp edges (anchors, aliases, tags, flow collections).</summary>
    private static Gen<string> Mutated(string document) => Gen.Select(Gen.Int[0, 5].Array[1, 6], Gen.Int[0, document.Length].Array[6], Gen.OneOf(Gen.String, Gen.Const("&a "), Gen.Const("*a"), Gen.Const("!!binary "), Gen.Const("{"), Gen.Const("["), Gen.Const("- "), Gen.Const(": "), Gen.Const("\"\\u0000\""), Gen.Const("<<: *a"), Gen.Const("\t")).Array[6])
        .Select((ops, places, pieces) =>
        {
            var text = document;
            for (var i = 0; i < ops.Length; i++)
            {
                var at = Math.Min(places[i], text.Length);
                text = ops[i] switch
                {
                    0 => text.Remove(at, Math.Min(5, text.Length - at)),
                    1 or 2 => text.Insert(at, pieces[i]),
                    3 => text.Replace("'", "", StringComparison.Ordinal),
                    4 => text.Replace(": ", ":", StringComparison.Ordinal),
                    _ => text + "\n" + pieces[i],
                };
            }

            return text;
        });

    private static readonly Gen<string> Csv = Gen.Select(
            Gen.OneOf(Gen.Const("email,company,employees,country"), Gen.Const("email;phone"), Gen.String, Gen.Const("\"email\",\"notes\"")),
            Gen.OneOf(Gen.String, Gen.Const("a@b.io,Acme,lots,Germany"), Gen.Const("\"unclosed,x"), Gen.Const("x\0y@b.io,NulCo"), Gen.Const("\"a\"\"b\",c"), Gen.Const(",,,,,,,,,,")).Array[0, 30])
        .Select((header, rows) => header + "\n" + string.Join("\n", rows));

    private async Task SurvivesAsync(Gen<string> input, Func<string, HttpRequestMessage> request, string what)
    {
        var failures = new List<string>();
        foreach (var body in input.Array[Iterations].Single())
        {
            using var response = await Admin.SendAsync(request(body));
            var status = (int)response.StatusCode;
            if (status >= 500 || (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json"))
            {
                var answer = await response.Content.ReadAsStringAsync();
                failures.Add($"{status} for {body[..Math.Min(body.Length, 300)]}\n  answer: {answer[..Math.Min(300, answer.Length)]}\n  logged: {Host.Logs.LastOrDefault(l => l.StartsWith("Error", StringComparison.Ordinal))}");
            }
        }

        Assert.True(failures.Count == 0, $"{what}: {failures.Count} of {Iterations} answers were a 500 or not problem+json:\n" + string.Join("\n", failures.Take(5)));
        var lead = await Admin.PostOk("/api/leads", new { email = $"still{Guid.NewGuid():N}@example.com" });
        Assert.NotNull(lead["id"]);
    }

    private static HttpRequestMessage Post(string path, HttpContent content) => new(HttpMethod.Post, path) { Content = content };

    [Fact]
    public Task Leads_AsJson() =>
        SurvivesAsync(Lead, body => Post("/api/leads", new StringContent(body, Encoding.UTF8, "application/json")), "POST /api/leads");

    [Fact]
    public Task PublicForm_UrlencodedAndJson() =>
        SurvivesAsync(
            Gen.Select(Gen.Bool, Lead, Gen.Select(Gen.OneOf(Gen.Const("mail"), Gen.Const("email"), Gen.String), Text).Array[0, 12]).Select((json, lead, pairs) =>
                json ? "J" + lead : "F" + string.Join("&", pairs.Select(p => Uri.EscapeDataString(p.Item1.Length > 30_000 ? p.Item1[..30_000] : p.Item1) + "=" + Uri.EscapeDataString(p.Item2.Length > 30_000 ? p.Item2[..30_000] : p.Item2)))),
            body => Post("/forms/contact", new StringContent(body[1..], Encoding.UTF8, body[0] == 'J' ? "application/json" : "application/x-www-form-urlencoded")),
            "POST /forms/contact");

    [Fact]
    public Task FlowDocuments() =>
        SurvivesAsync(Mutated(Flow), body => new HttpRequestMessage(HttpMethod.Put, "/api/routing/flow") { Content = new StringContent(body, Encoding.UTF8, "application/yaml") }, "PUT /api/routing/flow");

    [Fact]
    public Task IntakeRules() =>
        SurvivesAsync(Mutated(Intake), body => new HttpRequestMessage(HttpMethod.Put, "/api/intake/rules") { Content = new StringContent(body, Encoding.UTF8, "application/yaml") }, "PUT /api/intake/rules");

    [Fact]
    public Task CsvImports() =>
        SurvivesAsync(Csv, body => Post("/api/imports", new StringContent(body, Encoding.UTF8, "text/csv")), "POST /api/imports");
}

public sealed class SqliteFuzzTests() : FuzzTests(new SqliteDatabase());

public sealed class PostgresFuzzTests() : FuzzTests(new PostgresDatabase());
