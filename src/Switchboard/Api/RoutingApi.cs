using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Routing;
using Switchboard.Routing.Flows;
using Switchboard.Storage;
using Switchboard.Work;

namespace Switchboard.Api;

public sealed record FlowSaved(int Version);

public sealed record FlowVersionView(int Version, string Format, string Document, DateTimeOffset? CreatedAt);

public sealed record DryRunInput(LeadInput? Lead, int? FlowVersion);

public sealed record DryRunResult(DecisionView Decision);

/// <summary><c>/api/routing</c>: the flow document and dry-runs.</summary>
public static class RoutingApi
{
    public static RouteGroupBuilder MapRoutingApi(this RouteGroupBuilder api)
    {
        var routing = api.MapGroup("/routing").WithTags("Routing");
        routing.MapPut("/flow", PutFlow).RequireAuthorization(Policies.Admin)
            .Accepts<FlowDocument>("application/yaml", "application/json");
        routing.MapGet("/flow", GetFlow).RequireAuthorization(Policies.AdminOrManager);
        routing.MapGet("/flow/versions/{version:int}", GetFlowVersion).RequireAuthorization(Policies.AdminOrManager);
        routing.MapPost("/dry-run", DryRun).RequireAuthorization(Policies.AdminOrManager).Accepts<DryRunInput>("application/json");
        routing.MapGet("/state", GetState).RequireAuthorization(Policies.AdminOrManager);
        routing.MapPost("/held/retry", RetryHeld).RequireAuthorization(Policies.AdminOrManager);
        return api;
    }

    /// <summary>Validates and saves a new flow version; invalid documents are refused naming rule and position.</summary>
    public static async Task<Results<Ok<FlowSaved>, ValidationProblem>> PutFlow(
        HttpRequest request, HttpContext http, SwitchboardDb db, TimeProvider time, HeldLeadRetrier retrier, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var (text, format, document) = await FlowDocuments.ReadAsync<FlowDocument>(request, errors, ct);
        if (document is null)
        {
            return errors.ToProblem("The flow document is invalid.");
        }

        errors.AddAll(FlowCompiler.Compile(document, 0).Errors);

        await CheckReferencesAsync(document, db, errors, ct);
        if (errors.Any)
        {
            return errors.ToProblem("The flow document is invalid.");
        }

        // Serialized with routing so that version numbers never collide between instances.
        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        var version = (await db.FlowVersions.MaxAsync(f => (int?)f.Version, ct) ?? 0) + 1;
        db.FlowVersions.Add(new FlowVersionRow
        {
            Version = version,
            Document = text,
            Format = format,
            CreatedAt = time.GetUtcNow(),
            CreatedByKeyId = Caller.From(http.User).KeyId,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        retrier.Poke();
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

    /// <summary>Each rule's remembered state: rotation pointer, credits and the fairness ledger.</summary>
    public static async Task<Ok<List<RuleStateView>>> GetState(SwitchboardDb db, CancellationToken ct)
    {
        var rows = await db.StrategyStates.AsNoTracking().OrderBy(s => s.Key).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(r =>
        {
            var state = LeadRouting.ToState(r);
            return new RuleStateView(
                r.Key.StartsWith("rule:", StringComparison.Ordinal) ? r.Key["rule:".Length..] : r.Key,
                state.Pointer,
                state.Credits,
                state.Balances.ToDictionary(b => b.Key, b => Math.Round(b.Value, 3)),
                state.Absent,
                state.ExtraTurns,
                state.Waiting,
                r.UpdatedAt);
        }).ToList());
    }

    /// <summary>Retries every held lead now, oldest first, instead of waiting for the timer.</summary>
    public static async Task<Ok<HeldRetried>> RetryHeld(HeldLeadRetrier retrier, CancellationToken ct) =>
        TypedResults.Ok(new HeldRetried(await retrier.RetryAllAsync(ct)));

    /// <summary>The decision a flow would make for a lead right now. Writes nothing.</summary>
    public static async Task<Results<Ok<DryRunResult>, ValidationProblem>> DryRun(
        HttpRequest request, SwitchboardDb db, LeadRouting routing, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await Json.ReadAsync<DryRunInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        if (input!.Lead is null)
        {
            return FieldErrors.One("lead", "required: the lead to route");
        }

        var errors = new FieldErrors();
        input.Lead.Validate(errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var now = time.GetUtcNow();
        var lead = input.Lead.ToRow("dry-run", null, now);
        var outcome = await routing.DecideAsync(db, lead, input.FlowVersion, now, ct);
        if (outcome is null)
        {
            return FieldErrors.One("flowVersion", $"no flow version {input.FlowVersion}");
        }

        return TypedResults.Ok(new DryRunResult(DecisionView.From(outcome.Decision)));
    }

    /// <summary>A flow may only name teams and reps that exist (pools are created on first use).</summary>
    private static async Task CheckReferencesAsync(FlowDocument document, SwitchboardDb db, FieldErrors errors, CancellationToken ct)
    {
        var teams = (await db.Teams.Select(t => t.Id).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var reps = (await db.Reps.Select(r => r.Id).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);

        void Check(TargetDocument? to, string at, string who)
        {
            if (to?.Team is { } team && !teams.Contains(team.Trim()))
            {
                errors.Add($"{at}.team", $"{who}: team '{team}' does not exist");
            }

            foreach (var rep in (to?.Reps ?? []).Concat(to?.Rep is null ? [] : [to.Rep]))
            {
                if (!string.IsNullOrWhiteSpace(rep) && !reps.Contains(rep.Trim()))
                {
                    errors.Add(to?.Rep == rep ? $"{at}.rep" : $"{at}.reps", $"{who}: rep '{rep}' does not exist");
                }
            }
        }

        for (var i = 0; i < document.Rules.Count; i++)
        {
            Check(document.Rules[i]?.Assign?.To, $"rules[{i}].assign.to", $"rule '{document.Rules[i]?.Name}'");
            if (document.Rules[i]?.WhenNoneEligible?.Trim() is { } policy && policy.StartsWith("rep:", StringComparison.Ordinal) &&
                !reps.Contains(policy[4..].Trim()))
            {
                errors.Add($"rules[{i}].whenNoneEligible", $"rule '{document.Rules[i]?.Name}': rep '{policy[4..].Trim()}' does not exist");
            }
        }

        Check(document.Fallback, "fallback", "the fallback");
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
