using Switchboard.Routing.Lifecycle;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Switchboard.Api;

/// <summary>problem+json answers: field validation (400 naming each field) and the others.</summary>
public static class Problems
{
    public static ValidationProblem ToProblem(this FieldErrors errors, string title = "The request has invalid fields.") =>
        TypedResults.ValidationProblem(errors.All.ToDictionary(e => e.Key, e => e.Value.ToArray()), title: title);

    /// <summary>A 400 naming one field and why.</summary>
    public static ValidationProblem Field(string field, string message)
    {
        var e = new FieldErrors();
        e.Add(field, message);
        return e.ToProblem();
    }

    /// <summary>A lifecycle refusal that is not about a field: the lead hidden (404) or not in a state that allows it (409).</summary>
    public static ProblemHttpResult Refused(Refusal refusal, string leadId) => refusal.Kind == RefusalKind.NotFound
        ? NotFound($"no lead '{leadId}'")
        : Conflict($"lead '{leadId}': {refusal.Reason}");

    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: 404, title: "Not Found");

    public static ProblemHttpResult Conflict(string detail) => TypedResults.Problem(detail, statusCode: 409, title: "Conflict");

    public static ProblemHttpResult Unprocessable(string detail) => TypedResults.Problem(detail, statusCode: 422, title: "Unprocessable Content");
}
