using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.OpenApi;
using Switchboard.Distribution;
using Switchboard.Auth;
using Switchboard.Capture;
using Switchboard.Storage;

namespace Switchboard.Api;

/// <summary>What a script posting a form as JSON is told: received, and the thank-you page if the form has one.</summary>
public sealed record FormReceived(bool Received, string? ThankYouUrl);

public sealed record FormView(string Key, string Name, string? Source, Dictionary<string, string> FieldMap, string? ThankYouUrl, string? HoneypotField, IReadOnlyList<string> AllowedOrigins, string PostUrl)
{
    public static FormView From(FormRow f) => new(f.Key, f.Name, f.Source,
        f.FieldMapJson is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(f.FieldMapJson)!, f.ThankYouUrl, f.HoneypotField, f.AllowedOrigins, $"/forms/{f.Key}");
}

/// <summary>
/// Plain website forms: <c>/api/forms</c> configures them (admin), <c>POST /forms/{formKey}</c> takes the
/// urlencoded post from any page, anonymously, and redirects to the form's thank-you page.
/// </summary>
public static class FormsApi
{
    public static IEndpointRouteBuilder MapFormsApi(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        var forms = api.MapGroup("/forms").WithTags("Forms");
        forms.MapPost("/", CreateForm).Accepts<FormInput>("application/json");
        forms.MapGet("/", ListForms);
        forms.MapDelete("/{key}", DeleteForm);

        var post = app.MapGroup("/forms").WithTags("Forms").AllowAnonymous();
        // No Accepts metadata: it would turn another content type into an endpoint mismatch (answered 401
        // by the fallback policy) instead of this handler's 415. The body is described for OpenAPI here.
        post.MapPost("/{formKey}", PostForm).DisableAntiforgery().AddOpenApiOperationTransformer((operation, _, _) =>
        {
            var fields = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String } };
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/x-www-form-urlencoded"] = new() { Schema = fields },
                    ["multipart/form-data"] = new() { Schema = fields },
                    ["application/json"] = new() { Schema = fields },
                },
            };
            return Task.CompletedTask;
        });
        post.MapMethods("/{formKey}", ["OPTIONS"], Preflight);
        return app;
    }

    public static async Task<Results<Created<FormView>, ValidationProblem, ProblemHttpResult>> CreateForm(
        HttpRequest request, SwitchboardDb db, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<FormInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        var (row, errors, conflict) = await input!.SaveAsync(db, time.GetUtcNow(), ct);
        if (errors.Any || conflict is not null)
        {
            return errors.Any ? errors.ToProblem() : Problems.Conflict(conflict!);
        }

        return TypedResults.Created($"/api/forms/{row!.Key}", FormView.From(row));
    }

    public static async Task<Ok<List<FormView>>> ListForms(SwitchboardDb db, CancellationToken ct) =>
        TypedResults.Ok((await db.Forms.AsNoTracking().OrderBy(f => f.Key).ToListAsync(ct)).Select(FormView.From).ToList());

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteForm(string key, SwitchboardDb db, CancellationToken ct)
    {
        return await FormInput.RemoveAsync(db, key, ct) ? TypedResults.NoContent() : Problems.NotFound($"no form '{key}'");
    }

    /// <summary>A website form post: mapped to a lead, cleaned, deduplicated, routed; then the thank-you page.</summary>
    public static async Task<IResult> PostForm(
        string formKey, HttpContext http, SwitchboardDb db, CaptureQueue queue, FormChallenge challenge, ILogger<FormRow> log, CancellationToken ct)
    {
        var form = await db.Forms.AsNoTracking().FirstOrDefaultAsync(f => f.Key == formKey, ct);
        if (form is null)
        {
            return Problems.NotFound($"no form '{formKey}'");
        }

        // A browser names the page a post comes from: a form limited to some sites takes posts from those alone.
        if (!AllowOrigin(http, form) && form.AllowedOrigins.Length > 0 && http.Request.Headers.Origin.ToString() is { Length: > 0 } origin)
        {
            return TypedResults.Problem($"posts to form '{formKey}' are taken from its allowed origins only, not from {origin}", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        var json = http.Request.HasJsonContentType();
        List<KeyValuePair<string, string>> fields;
        if (json)
        {
            var (read, problem) = await ReadJsonFieldsAsync(http.Request);
            if (problem is not null)
            {
                return problem;
            }

            fields = read!;
        }
        else if (http.Request.HasFormContentType)
        {
            try
            {
                fields = [.. (await http.Request.ReadFormAsync(ct)).Select(f => KeyValuePair.Create(f.Key, f.Value.ToString()))];
            }
            catch (InvalidDataException e)
            {
                return Problems.Field("body", e.Message); // more than 1,024 fields, a key or value past its length limit
            }
        }
        else
        {
            return TypedResults.Problem(
                "a form post is expected: application/x-www-form-urlencoded, multipart/form-data or a flat JSON object",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported Media Type");
        }

        if (form.HoneypotField is { } trap && fields.Any(f => f.Key == trap && f.Value.Length > 0))
        {
            // Accepted as far as the bot can tell, and dropped.
            log.LogInformation("Form {Form}: honeypot field '{Field}' filled; post dropped", formKey, trap);
            return ThankYou(http, form, json);
        }

        if (challenge.On)
        {
            var token = fields.FirstOrDefault(f => f.Key == challenge.TokenField).Value;
            switch (await challenge.VerifyAsync(token, Auth.AbuseLimits.AddressOf(http), ct))
            {
                case FormChallenge.Outcome.Failed:
                    return TypedResults.Problem($"the form's human check was not passed ({challenge.TokenField} missing or refused)", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
                case FormChallenge.Outcome.Unverifiable:
                    http.Response.Headers.RetryAfter = "5";
                    return TypedResults.Problem("the form's human check could not be verified just now; try again in 5 seconds", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service Unavailable");
            }

            fields.RemoveAll(f => f.Key == challenge.TokenField);
        }

        var (input, errors) = ToLeadInput(form, fields);
        input.Validate(errors);
        if (errors.Any)
        {
            return errors.ToProblem("The form post is invalid.");
        }

        var answer = await queue.CaptureAsync(new CaptureRequest(input.ToRow("", null, default, channel: "form"), $"form '{formKey}'", $"through form '{formKey}'"), ct);
        return answer.Refused is var (field, reason) ? Problems.Field(field, reason) : ThankYou(http, form, json);
    }

    /// <summary>A form posted by a script: one flat JSON object of field names to text, numbers or booleans.</summary>
    private static async Task<(List<KeyValuePair<string, string>>? Fields, ValidationProblem? Problem)> ReadJsonFieldsAsync(HttpRequest request)
    {
        var (body, problem) = await JsonBody.ReadAsync<JsonObject>(request);
        if (problem is not null)
        {
            return (null, problem);
        }

        var fields = new List<KeyValuePair<string, string>>();
        var errors = new FieldErrors();
        foreach (var (name, value) in body!)
        {
            switch (value?.GetValueKind())
            {
                case null or JsonValueKind.Null:
                    break;
                case JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                    fields.Add(KeyValuePair.Create(name, value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString()));
                    break;
                default:
                    errors.Add(name, "a form field is text, a number or true/false, not an object or list");
                    break;
            }
        }

        return errors.Any ? (null, errors.ToProblem("The form post is invalid.")) : (fields, null);
    }

    public static async Task<IResult> Preflight(string formKey, HttpContext http, SwitchboardDb db, CancellationToken ct)
    {
        var form = await db.Forms.AsNoTracking().FirstOrDefaultAsync(f => f.Key == formKey, ct);
        if (form is null || !AllowOrigin(http, form))
        {
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }

        http.Response.Headers.AccessControlAllowMethods = "POST";
        http.Response.Headers.AccessControlAllowHeaders = "Content-Type";
        http.Response.Headers.AccessControlMaxAge = "86400";
        return TypedResults.NoContent();
    }

    private static bool AllowOrigin(HttpContext http, FormRow form)
    {
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || !form.AllowedOrigins.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        http.Response.Headers.AccessControlAllowOrigin = origin;
        http.Response.Headers.Vary = "Origin";
        return true;
    }

    /// <summary>
    /// 303 See Other to the thank-you page (the browser then GETs it), or a plain thank-you page; a script
    /// that posted JSON gets JSON, with the page to show.
    /// </summary>
    private static IResult ThankYou(HttpContext http, FormRow form, bool json)
    {
        if (json)
        {
            return TypedResults.Ok(new FormReceived(true, form.ThankYouUrl));
        }

        if (form.ThankYouUrl is { } url)
        {
            http.Response.Headers.Location = url;
            return TypedResults.StatusCode(StatusCodes.Status303SeeOther);
        }

        return TypedResults.Content("<!doctype html><title>Thank you</title><p>Thank you! We will be in touch.</p>", "text/html");
    }

    private static (LeadInput Input, FieldErrors Errors) ToLeadInput(FormRow form, List<KeyValuePair<string, string>> fields)
    {
        var map = form.FieldMapJson is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(form.FieldMapJson)!;
        if (form.HoneypotField is { } trap)
        {
            map[trap] = "ignore";
        }

        var errors = new FieldErrors();
        var input = LeadFields.Build(fields, map, errors);
        return (input with { Source = form.Source ?? input.Source ?? $"form:{form.Key}" }, errors);
    }
}
