using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Auth;
using Switchboard.Distribution;
using Switchboard.Routing.Lifecycle;
using Switchboard.Storage;
using Switchboard.Views;

namespace Switchboard.Api;

public sealed record DeclineInput([property: Limit(Limits.Reason)] string? Reason = null);

public sealed record ActivityInput(string? Type, [property: Limit(Limits.Note)] string? Note = null);

public sealed record StatusInput(string? Status, decimal? Value = null, [property: Limit(Limits.Reason)] string? Reason = null);

public sealed record FeedbackInput(int? Score, [property: Limit(Limits.Reason)] string? Comment = null);

public sealed record ReassignInput(string? RepId = null, [property: Limit(Limits.Reason)] string? Reason = null);

/// <summary>
/// The lead actions over HTTP: what a rep does with a lead pushed or offered to them (accept, decline
/// with a reason; an offer to several reps goes to the first who accepts), and working it. The actions
/// themselves are <see cref="LeadActions"/>, shared with the app.
/// </summary>
public static class LeadActionsApi
{
    public static RouteGroupBuilder MapLeadActionsApi(this RouteGroupBuilder api)
    {
        var leads = api.MapGroup("/leads").WithTags("Leads");
        leads.MapPost("/{id}/accept", Accept);
        leads.MapPost("/{id}/decline", Decline).Accepts<DeclineInput>("application/json");
        leads.MapPost("/{id}/activities", LogActivity).Accepts<ActivityInput>("application/json");
        leads.MapPost("/{id}/status", ChangeStatus).Accepts<StatusInput>("application/json");
        leads.MapPost("/{id}/feedback", RecordFeedback).Accepts<FeedbackInput>("application/json");
        leads.MapPost("/{id}/reassign", Reassign).Accepts<ReassignInput>("application/json");
        return api;
    }

    public static async Task<Results<Ok<LeadView>, ValidationProblem, ProblemHttpResult>> Accept(
        string id, HttpContext http, SwitchboardDb db, LeadMoves moves, TimeProvider time, CancellationToken ct) =>
        // Only a rep's own key reaches here, for a lead offered to them now or before (Auth/AccessPolicy.cs).
        Answer(await LeadActions.AcceptAsync(db, moves, Caller.From(http.User), id, time.GetUtcNow(), ct), id);

    public static async Task<Results<Ok<LeadView>, ValidationProblem, ProblemHttpResult>> Decline(
        string id, HttpRequest request, HttpContext http, SwitchboardDb db, LeadMoves moves, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<DeclineInput>(request);
        return problem ?? Answer(await LeadActions.DeclineAsync(db, moves, Caller.From(http.User), id, input?.Reason, time.GetUtcNow(), ct), id);
    }

    public static async Task<Results<Ok<LeadView>, ValidationProblem, ProblemHttpResult>> LogActivity(
        string id, HttpRequest request, HttpContext http, SwitchboardDb db, LeadMoves moves, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<ActivityInput>(request);
        return problem ?? Answer(await LeadActions.LogActivityAsync(db, moves, Caller.From(http.User), id, input?.Type, input?.Note, time.GetUtcNow(), ct), id);
    }

    public static async Task<Results<Ok<LeadView>, ValidationProblem, ProblemHttpResult>> ChangeStatus(
        string id, HttpRequest request, HttpContext http, SwitchboardDb db, LeadMoves moves, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<StatusInput>(request);
        return problem ?? Answer(await LeadActions.ChangeStatusAsync(db, moves, Caller.From(http.User), id, input?.Status, input?.Value, input?.Reason, time.GetUtcNow(), ct), id);
    }

    public static async Task<Results<Ok<LeadView>, ValidationProblem, ProblemHttpResult>> RecordFeedback(
        string id, HttpRequest request, HttpContext http, SwitchboardDb db, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<FeedbackInput>(request);
        return problem ?? Answer(await LeadActions.RecordFeedbackAsync(db, Caller.From(http.User), id, input?.Score, input?.Comment, time.GetUtcNow(), ct), id);
    }

    public static async Task<Results<Ok<LeadView>, ValidationProblem, ProblemHttpResult>> Reassign(
        string id, HttpRequest request, HttpContext http, SwitchboardDb db, LeadMoves moves, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<ReassignInput>(request);
        return problem ?? Answer(await LeadActions.ReassignAsync(db, moves, Caller.From(http.User), id, input?.RepId, input?.Reason, time.GetUtcNow(), ct), id);
    }

    /// <summary>The lead as it now stands, a 400 naming the field, a 404, or a 409 saying why not now.</summary>
    private static Results<Ok<LeadView>, ValidationProblem, ProblemHttpResult> Answer(ActionOutcome outcome, string id) => outcome switch
    {
        { Lead: { } lead } => TypedResults.Ok(LeadView.From(lead, null, null)),
        { Refused: { Kind: RefusalKind.Invalid } r } => Problems.Field(r.Field!, r.Reason),
        { Refused: { Kind: RefusalKind.NotFound } r } => Problems.NotFound(r.Reason),
        { Refused: { } r } => Problems.Refused(r, id),
        _ => throw new InvalidOperationException("an outcome has a lead or a refusal"),
    };
}
