using Microsoft.AspNetCore.Diagnostics;
using Switchboard.Storage;

namespace Switchboard.Api;

/// <summary>
/// A database that cannot take the work just now answers 503 with <c>Retry-After</c>, not 500: the
/// transaction that met it did not commit, so sending the request again is safe.
/// </summary>
public sealed class DatabaseBusy(IProblemDetailsService problems, ILogger<DatabaseBusy> log) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!StorageExtensions.IsUnavailable(exception))
        {
            return false;
        }

        log.LogWarning("The database is busy or unreachable; {Method} {Path} answered 503: {Reason}", httpContext.Request.Method, httpContext.Request.Path, exception.GetBaseException().Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The database is busy.",
                Detail = $"The database could not take this request just now (another process holds it, or it is out of connections); try again in {RetryAfterSeconds} seconds. A lead sent again is not stored twice: the same Idempotency-Key or the same person is recognised.",
            },
        });
    }
}
