namespace Switchboard;

/// <summary>
/// Headers on every answer, errors included: no content-type sniffing, no framing, no referrer; a
/// content security policy that allows nothing (the API reference page and the app get what they need to run);
/// and <c>no-store</c> on the API, whose answers carry people's names, emails and phone numbers.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>For JSON and plain answers: nothing may load or run.</summary>
    public const string StrictPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>For the API reference page (<c>/docs</c>): its own scripts, styles, fonts and the OpenAPI document.</summary>
    public const string DocsPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>
    /// For the app's pages: only this site's scripts (Blazor, MudBlazor), its styles (MudBlazor sets
    /// inline styles), its SignalR connection, and forms that post back to it.
    /// </summary>
    public const string AppPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    public static Task AddAsync(HttpContext http, Func<Task> next)
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        var path = http.Request.Path;
        headers.ContentSecurityPolicy =
            path.StartsWithSegments("/docs") ? DocsPolicy
            : path.StartsWithSegments("/api") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/forms") ? StrictPolicy
            : AppPolicy;
        if (http.Request.Path.StartsWithSegments("/api"))
        {
            headers.CacheControl = "no-store";
        }

        return next();
    }
}
