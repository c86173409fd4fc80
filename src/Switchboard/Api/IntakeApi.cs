using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Capture;
using Switchboard.Intake;
using Switchboard.Distribution;
using Switchboard.Storage;

namespace Switchboard.Api;

public sealed record IntakeRulesSaved(int Version);

/// <summary><c>/api/intake/rules</c>: disqualification, scoring and the MQL threshold, as a versioned YAML/JSON document.</summary>
public static class IntakeApi
{
    public static RouteGroupBuilder MapIntakeApi(this RouteGroupBuilder api)
    {
        var intake = api.MapGroup("/intake").WithTags("Intake");
        intake.MapPut("/rules", PutRules)
            .Accepts<IntakeRulesDocument>("application/yaml", "application/json");
        intake.MapGet("/rules", GetRules);
        return api;
    }

    public static async Task<Results<Ok<IntakeRulesSaved>, ValidationProblem>> PutRules(
        HttpRequest request, HttpContext http, SwitchboardDb db, TimeProvider time, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(ct);
        var (version, errors) = await IntakeRulesStore.SaveAsync(db, text, FlowDocuments.FormatOf(request.ContentType, text), Caller.From(http.User).KeyId, time.GetUtcNow(), ct);
        if (errors.Any)
        {
            return errors.ToProblem("The intake rules are invalid.");
        }

        return TypedResults.Ok(new IntakeRulesSaved(version!.Value));
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetRules(SwitchboardDb db, CancellationToken ct)
    {
        var row = await db.IntakeRules.AsNoTracking().OrderByDescending(r => r.Version).FirstOrDefaultAsync(ct);
        return row is null
            ? Problems.NotFound("no intake rules yet: every lead is routed as it comes")
            : TypedResults.Text(row.Document, row.Format == "json" ? "application/json" : "application/yaml");
    }
}
