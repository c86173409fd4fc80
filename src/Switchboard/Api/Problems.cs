using Microsoft.AspNetCore.Http.HttpResults;

namespace Switchboard.Api;

/// <summary>Collects what is wrong with a request, by field, for one problem+json answer.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public IReadOnlyDictionary<string, List<string>> All => _errors;

    /// <summary>Every document error (flows, intake rules), each under its field.</summary>
    public void AddAll(IEnumerable<Switchboard.Routing.Flows.FlowError> documentErrors)
    {
        foreach (var e in documentErrors)
        {
            Add(e.Field, e.Message);
        }
    }

    /// <summary>Every error of <paramref name="inner"/> under <paramref name="prefix"/> (e.g. <c>lead.</c>, <c>flow.</c>).</summary>
    public void AddAll(string prefix, FieldErrors inner)
    {
        foreach (var (field, messages) in inner._errors)
        {
            messages.ForEach(m => Add(prefix + field, m));
        }
    }

    public void AddAll(IEnumerable<(string Field, string Message)> errors)
    {
        foreach (var (field, message) in errors)
        {
            Add(field, message);
        }
    }

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public ValidationProblem ToProblem(string title = "The request has invalid fields.") =>
        TypedResults.ValidationProblem(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()), title: title);

    public static ValidationProblem One(string field, string message)
    {
        var e = new FieldErrors();
        e.Add(field, message);
        return e.ToProblem();
    }
}

/// <summary>problem+json answers other than field validation.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: 404, title: "Not Found");

    public static ProblemHttpResult Conflict(string detail) => TypedResults.Problem(detail, statusCode: 409, title: "Conflict");

    public static ProblemHttpResult Unprocessable(string detail) => TypedResults.Problem(detail, statusCode: 422, title: "Unprocessable Content");
}
