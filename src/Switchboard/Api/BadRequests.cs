using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace Switchboard.Api;

/// <summary>
/// A query or route value that cannot be read (<c>?page=abc</c>, <c>?from=yesterday</c>) answered as
/// problem+json naming the parameter and the reason, instead of a bare 400.
/// </summary>
public sealed partial class BadRequests(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // JSON text with a lone UTF-16 surrogate escape ("\ud800") fails when the string is read, wherever
        // that happens (an attribute's value, a property's name): the sender's text is broken, not the service.
        if (exception is InvalidOperationException { Message: var text } && text.Contains("UTF-16", StringComparison.Ordinal))
        {
            exception = new BadHttpRequestException(TextRules.BrokenText, StatusCodes.Status400BadRequest, exception);
        }

        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        httpContext.Response.StatusCode = bad.StatusCode;
        var (field, reason) = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? ("body", $"the body is larger than this endpoint takes ({bad.Message})")
            : Describe(bad.Message);
        var details = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [reason] })
        {
            Status = bad.StatusCode,
            Title = bad.StatusCode == StatusCodes.Status400BadRequest ? "The request has invalid fields." : "The request was refused.",
        };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }

    private static (string Field, string Reason) Describe(string message)
    {
        if (BindFailed().Match(message) is { Success: true } m)
        {
            return (m.Groups["name"].Value, $"'{m.Groups["value"].Value}' is not {Expected(m.Groups["type"].Value)}");
        }

        if (Missing().Match(message) is { Success: true } r)
        {
            return (r.Groups["name"].Value, "required");
        }

        return ("body", message);
    }

    private static string Expected(string type) => type.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('?', '>') switch
    {
        "int" or "long" or "Int32" or "Int64" => "a whole number",
        "decimal" or "double" => "a number",
        "bool" => "true or false",
        "DateTimeOffset" or "DateTime" => "an ISO 8601 date or date-time such as 2026-12-01T09:00:00Z",
        var other => $"a valid {other}",
    };

    [GeneratedRegex("""Failed to bind parameter "(?<type>\S+) (?<name>\w+)" from "(?<value>.*)"\.""")]
    private static partial Regex BindFailed();

    [GeneratedRegex("""Required parameter "(?<type>\S+) (?<name>\w+)" was not provided""")]
    private static partial Regex Missing();
}
