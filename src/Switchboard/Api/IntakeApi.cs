using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
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
        var errors = new FieldErrors();
        var (text, format, document) = await JsonBody.ReadDocumentAsync<IntakeRulesDocument>(request, errors, ct);
        if (document is not null)
        {
            errors.AddAll(IntakeRules.Compile(document, 0).Errors);
            errors.AddAll(await References.MissingAsync(db, References.InIntakeRules(document), ct));
        }

        if (errors.Any)
        {
            return errors.ToProblem("The intake rules are invalid.");
        }

        // Under the routing lock, like flows: version numbers never collide between instances.
        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        var version = (await db.IntakeRules.MaxAsync(r => (int?)r.Version, ct) ?? 0) + 1;
        db.IntakeRules.Add(new IntakeRulesRow
        {
            Version = version,
            Document = text,
            Format = format,
            CreatedAt = time.GetUtcNow(),
            CreatedByKeyId = Caller.From(http.User).KeyId,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new IntakeRulesSaved(version));
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetRules(SwitchboardDb db, CancellationToken ct)
    {
        var row = await db.IntakeRules.AsNoTracking().OrderByDescending(r => r.Version).FirstOrDefaultAsync(ct);
        return row is null
            ? Problems.NotFound("no intake rules yet: every lead is routed as it comes")
            : TypedResults.Text(row.Document, row.Format == "json" ? "application/json" : "application/yaml");
    }
}
