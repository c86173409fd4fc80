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

    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: 404, title: "Not Found");

    public static ProblemHttpResult Conflict(string detail) => TypedResults.Problem(detail, statusCode: 409, title: "Conflict");

    public static ProblemHttpResult Unprocessable(string detail) => TypedResults.Problem(detail, statusCode: 422, title: "Unprocessable Content");
}
