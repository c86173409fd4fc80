using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Distribution;
using Switchboard.Routing.Flows;
using Switchboard.Storage;
using Switchboard.Work;
using Switchboard.Views;
using Switchboard.Capture;

namespace Switchboard.Api;

public sealed record FlowSaved(int Version);

public sealed record FlowVersionView(int Version, string Format, string Document, DateTimeOffset? CreatedAt);

/// <summary>A lead to dry-run, against a stored flow version (default: the active one) or a candidate flow document.</summary>
public sealed record DryRunInput(LeadInput? Lead, int? FlowVersion = null, JsonNode? Flow = null);

public sealed record DryRunResult(DecisionView Decision);

/// <summary><c>/api/routing</c>: the flow document and dry-runs.</summary>
public static class RoutingApi
{
    public static RouteGroupBuilder MapRoutingApi(this RouteGroupBuilder api)
    {
        var routing = api.MapGroup("/routing").WithTags("Routing");
        routing.MapPut("/flow", PutFlow)
            .Accepts<FlowDocument>("application/yaml", "application/json");
        routing.MapGet("/flow", GetFlow);
        routing.MapGet("/flow/versions/{version:int}", GetFlowVersion);
        routing.MapPost("/dry-run", DryRun).Accepts<DryRunInput>("application/json");
        routing.MapGet("/state", GetState);
        routing.MapPost("/held/retry", RetryHeld);
        return api;
    }

    /// <summary>Validates and saves a new flow version; invalid documents are refused naming rule and position.</summary>
    public static async Task<Results<Ok<FlowSaved>, ValidationProblem>> PutFlow(
        HttpRequest request, HttpContext http, SwitchboardDb db, TimeProvider time, HeldLeadRetrier retrier, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var (text, format, document) = await JsonBody.ReadDocumentAsync<FlowDocument>(request, errors, ct);
        if (document is null)
        {
            return errors.ToProblem("The flow document is invalid.");
        }

        var (_, problems) = await FlowEditing.CheckAsync(document, db, ct);
        errors.AddAll(problems);
        if (errors.Any)
        {
            return errors.ToProblem("The flow document is invalid.");
        }

        var version = await FlowEditing.SaveAsync(db, retrier, text, format, Caller.From(http.User).KeyId, time.GetUtcNow(), ct);
        return TypedResults.Ok(new FlowSaved(version));
    }

    /// <summary>The active flow: as YAML text when asked for YAML, else JSON with the document inside.</summary>
    public static async Task<IResult> GetFlow(HttpRequest request, SwitchboardDb db, CancellationToken ct)
    {
        var row = await db.FlowVersions.AsNoTracking().OrderByDescending(f => f.Version).FirstOrDefaultAsync(ct);
        var view = row is null
            ? new FlowVersionView(0, "yaml", "rules: []\nfallback: { pool: unassigned }\n", null)
            : new FlowVersionView(row.Version, row.Format, row.Document, row.CreatedAt);
        return Render(request, view);
    }

    public static async Task<IResult> GetFlowVersion(int version, HttpRequest request, SwitchboardDb db, CancellationToken ct)
    {
        var row = await db.FlowVersions.AsNoTracking().FirstOrDefaultAsync(f => f.Version == version, ct);
        return row is null
            ? Problems.NotFound($"no flow version {version}")
            : Render(request, new FlowVersionView(row.Version, row.Format, row.Document, row.CreatedAt));
    }

    private static IResult Render(HttpRequest request, FlowVersionView view)
    {
        var accept = request.Headers.Accept.ToString();
        if (accept.Contains("yaml", StringComparison.OrdinalIgnoreCase) && view.Format == "yaml")
        {
            request.HttpContext.Response.Headers["Flow-Version"] = view.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Text(view.Document, "application/yaml");
        }

        return TypedResults.Ok(view);
    }

    /// <summary>Each rule's rotation and ledger; a manager sees the rules that rotate over their teams' reps, and only those reps.</summary>
    public static async Task<Ok<List<RuleStateView>>> GetState(HttpContext http, SwitchboardDb db, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        HashSet<string>? mine = caller.IsAdmin ? null : [.. await Scopes.TeamRepIdsAsync(db, caller, ct)];
        bool Mine(string rep) => mine is null || mine.Contains(rep);
        var rows = await db.StrategyStates.AsNoTracking().OrderBy(s => s.Key).ToListAsync(ct);
        return TypedResults.Ok(rows
            .Select(r => (Row: r, State: LeadRouting.ToState(r)))
            .Where(x => mine is null || x.State.Balances.Keys.Concat(x.State.Credits.Keys).Append(x.State.Pointer ?? "").Any(Mine))
            .Select(x => new RuleStateView(
                CompiledRule.RuleOf(x.Row.Key),
                x.State.Pointer is { } pointer && Mine(pointer) ? pointer : null,
                x.State.Credits.Where(c => Mine(c.Key)).ToDictionary(),
                x.State.Balances.Where(b => Mine(b.Key)).ToDictionary(b => b.Key, b => Math.Round(b.Value, 3)),
                [.. x.State.Absent.Where(Mine)],
                x.State.ExtraTurns.Where(e => Mine(e.Key)).ToDictionary(),
                x.State.Waiting.Where(w => Mine(w.Key)).ToDictionary(),
                x.Row.UpdatedAt))
            .ToList());
    }

    /// <summary>Retries every held lead now, oldest first, instead of waiting for the timer.</summary>
    public static async Task<Ok<HeldRetried>> RetryHeld(HeldLeadRetrier retrier, CancellationToken ct) =>
        TypedResults.Ok(new HeldRetried(await retrier.RetryAllAsync(ct)));

    /// <summary>
    /// The decision a flow would make for a lead right now; writes nothing. The body is a lead, or
    /// <c>{lead, flowVersion?}</c> for a stored version, or <c>{lead, flow}</c> for a candidate flow document
    /// (a JSON object, or YAML/JSON text) that is checked as a PUT would check it.
    /// </summary>
    public static async Task<Results<Ok<DryRunResult>, ValidationProblem>> DryRun(
        HttpRequest request, HttpContext http, SwitchboardDb db, LeadRouting routing, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<JsonObject>(request);
        if (problem is not null)
        {
            return problem;
        }

        // Wrapped when it says so: a lead has no field named 'lead', 'flow' or 'flowVersion'.
        var wrapped = body!.ContainsKey("lead") || body.ContainsKey("flow") || body.ContainsKey("flowVersion");
        var prefix = wrapped ? "lead." : "";
        var errors = new FieldErrors();
        DryRunInput? input = null;
        LeadInput? leadInput;
        if (wrapped)
        {
            input = JsonBody.Deserialize<DryRunInput>(body.ToJsonString(), out problem);
            leadInput = input?.Lead;
        }
        else
        {
            leadInput = JsonBody.Deserialize<LeadInput>(body.ToJsonString(), out problem);
        }

        if (problem is not null)
        {
            return problem;
        }

        if (leadInput is null)
        {
            return Problems.Field("lead", "required: the lead to route");
        }

        var leadErrors = new FieldErrors();
        leadInput.Validate(leadErrors);
        errors.AddAll(prefix, leadErrors);

        CompiledFlow? candidate = null;
        if (input?.Flow is { } flowNode)
        {
            var (text, format) = flowNode.GetValueKind() == JsonValueKind.String
                ? (flowNode.GetValue<string>(), FlowDocuments.FormatOf(null, flowNode.GetValue<string>()))
                : (flowNode.ToJsonString(), "json");
            var (document, parseError) = FlowDocuments.Parse(text, format);
            if (document is null)
            {
                errors.Add("flow" + (parseError!.Field == "body" ? "" : "." + parseError.Field), parseError.Message);
            }
            else
            {
                (candidate, var problems) = await FlowEditing.CheckAsync(document, db, ct);
                errors.AddAll(problems.Select(p => ($"flow.{p.Field}", p.Message)));
            }
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var now = time.GetUtcNow();
        var lead = leadInput.ToRow("dry-run", null, now);
        var outcome = candidate is not null
            ? await routing.DecideAsync(db, lead, candidate, now, ct)
            : await routing.DecideAsync(db, lead, input?.FlowVersion, now, ct);
        if (outcome is null)
        {
            return Problems.Field("flowVersion", $"no flow version {input?.FlowVersion}");
        }

        var view = DecisionView.From(outcome.Decision);
        var caller = Caller.From(http.User);
        return TypedResults.Ok(new DryRunResult(caller.IsAdmin ? view : view.Within(new HashSet<string>(await Scopes.TeamRepIdsAsync(db, caller, ct), StringComparer.Ordinal))));
    }
}

public sealed record RuleStateView(
    string Rule,
    string? Pointer,
    IReadOnlyDictionary<string, long> Credits,
    IReadOnlyDictionary<string, double> Balances,
    IReadOnlyList<string> Absent,
    IReadOnlyDictionary<string, int> ExtraTurns,
    IReadOnlyDictionary<string, int> Waiting,
    DateTimeOffset UpdatedAt);

public sealed record HeldRetried(int Routed);
