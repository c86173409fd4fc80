using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Auth;
using Switchboard.Capture;
using Switchboard.Storage;
using Switchboard.Views;
using Switchboard.Routing.Lifecycle;

namespace Switchboard.Api;

public sealed record PersonalDataErased(string LeadId, IReadOnlyList<string> Erased);

/// <summary><c>/api/leads</c>: capture, route and explain.</summary>
public static class LeadsApi
{
    private const int MaxBodyBytes = 256 * 1024;

    public static RouteGroupBuilder MapLeadsApi(this RouteGroupBuilder api)
    {
        var leads = api.MapGroup("/leads").WithTags("Leads");
        leads.MapPost("/", CreateLead)
            .Accepts<LeadInput>("application/json")
            .Produces<LeadCreated>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        leads.MapGet("/", ListLeads);
        leads.MapGet("/{id}", GetLead);
        leads.MapDelete("/{id}/personal-data", ErasePersonalData);
        return api;
    }

    /// <summary>
    /// Stores, routes and answers after one commit (shared with the leads that arrived together, see
    /// <see cref="CaptureQueue"/>): the lead, its decision, the timeline, the strategy state and the
    /// Idempotency-Key record commit together or not at all, so a 201 is never lost and a retried
    /// request never makes a second lead.
    /// </summary>
    public static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> CreateLead(
        HttpRequest request, HttpContext http, CaptureQueue queue, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var body = await ReadBodyAsync(request, ct);
        if (body is null)
        {
            return Problems.Field("body", $"larger than {MaxBodyBytes / 1024} KiB");
        }

        var input = JsonBody.Deserialize<LeadInput>(body, out var problem);
        if (problem is not null)
        {
            return problem;
        }

        if (input is null)
        {
            return Problems.Field("body", "a JSON object is required");
        }

        var errors = new FieldErrors();
        input.Validate(errors);
        string? idempotencyKey = request.Headers["Idempotency-Key"];
        if (idempotencyKey is { Length: 0 or > 255 })
        {
            errors.Add("Idempotency-Key", "must be 1-255 characters");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var requestHash = Sha256.Hex(body);
        var answer = await queue.CaptureAsync(new CaptureRequest(
            input.ToRow("", caller.KeyId, default), caller.KeyName, "through the API", caller.KeyId, idempotencyKey, requestHash), ct);
        return answer switch
        {
            { Refused: var (field, reason) } => Problems.Field(field, reason),
            { Status: StatusCodes.Status422UnprocessableEntity } => Problems.Unprocessable("this Idempotency-Key was already used with a different request body"),
            _ => Replay(http, answer.Status, answer.Json),
        };
    }

    /// <summary>Erases the lead's personal data everywhere it is kept (<see cref="PersonalData"/>); the lead and its history stay.</summary>
    public static async Task<Results<Ok<PersonalDataErased>, ProblemHttpResult>> ErasePersonalData(
        string id, HttpContext http, SwitchboardDb db, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        await using var tx = await db.BeginRoutingTransactionAsync(ct);
        if (await db.Leads.FirstOrDefaultAsync(l => l.Id == id, ct) is not { } lead)
        {
            return Problems.NotFound($"no lead '{id}'");
        }

        var fields = await PersonalData.EraseAsync(db, lead, Caller.From(http.User).KeyName, time.GetUtcNow(), ct);
        audit.Record(db, "erased", "lead", id, null, new { fields });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new PersonalDataErased(id, fields));
    }

    public static async Task<Results<Ok<LeadView>, ProblemHttpResult>> GetLead(string id, SwitchboardDb db, CancellationToken ct)
    {
        // Within the caller's reach: one outside it was answered 404 before this (Auth/AccessPolicy.cs).
        return await LeadView.FindAsync(db, id, ct) is { } lead ? TypedResults.Ok(lead) : Problems.NotFound($"no lead '{id}'");
    }

    public static async Task<Results<Ok<Paged<LeadView>>, ValidationProblem>> ListLeads(
        HttpContext http, SwitchboardDb db, TimeProvider time, string? status, string? ownerRepId, string? poolId, string? source, string? channel, string? campaign,
        DateTimeOffset? from, DateTimeOffset? to, bool? slaBreached, string? q, int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new FieldErrors();
        LeadStatus? wanted = null;
        if (status is not null)
        {
            if (LeadStatuses.TryParse(status, out var parsed))
            {
                wanted = parsed;
            }
            else
            {
                errors.Add("status", LeadStatuses.OneOf(LeadStatuses.All));
            }
        }

        if (q is { Length: > Limits.Name })
        {
            errors.Add("q", $"longer than {Limits.Name} characters");
        }

        Limits.CheckPage(errors, page, pageSize);

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var filter = new LeadFilter(wanted, ownerRepId, poolId, source, channel, campaign, from, to, slaBreached, q);
        var query = filter.Apply(await Scopes.LeadsAsync(db, Caller.From(http.User), ct), db, time.GetUtcNow());
        var p = page ?? 1;
        var size = pageSize ?? 50;
        var total = await query.CountAsync(ct);
        var rows = await query.Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return TypedResults.Ok(new Paged<LeadView>([.. rows.Select(l => LeadView.From(l, null, null))], p, size, total));
    }

    private static ContentHttpResult Replay(HttpContext http, int status, string json)
    {
        using var doc = JsonDocument.Parse(json);
        var id = doc.RootElement.GetProperty("id").GetString();
        http.Response.Headers.Location = $"/api/leads/{id}";
        return TypedResults.Text(json, "application/json", Encoding.UTF8, status);
    }

    private static async Task<string?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
