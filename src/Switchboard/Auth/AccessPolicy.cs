using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Switchboard.Pools;
using Switchboard.Routing.Lifecycle;
using Switchboard.Storage;

namespace Switchboard.Auth;

/// <summary>How far a role reaches on one route.</summary>
public enum Access
{
    /// <summary>Not at all: <c>403</c>.</summary>
    No,

    /// <summary>A rep: themselves, their leads (owned or offered) and the pools they are in. An integration: the leads it created.</summary>
    Own,

    /// <summary>A manager: their teams, those teams' reps, the leads of those reps, the pools those teams are in, the accounts those reps own.</summary>
    Teams,

    /// <summary>A rep: the leads offered to them, now or before (so one whose offer lapsed is told so), and their own.</summary>
    Offered,

    /// <summary>Everything the route serves.</summary>
    All,
}

/// <summary>One route and each role's reach on it.</summary>
public sealed record AccessRule(string Method, string Path, Access Admin, Access Manager, Access Rep, Access Integration)
{
    public Access For(string role) => role switch
    {
        Roles.Admin => Admin,
        Roles.Manager => Manager,
        Roles.Rep => Rep,
        Roles.Integration => Integration,
        _ => Access.No,
    };

    /// <summary>The kind of resource the route's <c>{id}</c> names (<c>leads</c>, <c>reps</c>, …), or null for a route without one.</summary>
    public string? Resource => Path.Split('/') is [_, "api", var kind, "{id}", ..] ? kind : null;
}

/// <summary>
/// Who may call what, declared once: every <c>/api</c> route with each role's reach. Enforced in one
/// place, <see cref="Enforce"/>: a role whose reach is <see cref="Access.No"/> is refused with 403 by
/// ASP.NET Core's authorization, and a resource named by <c>{id}</c> outside a scoped role's reach
/// answers 404, as if it did not exist (so ids cannot be probed). Lists narrow themselves with the same
/// <see cref="Scopes"/>. A route missing from the table stops the service from starting.
/// </summary>
public static class AccessPolicy
{
    private const Access N = Access.No, O = Access.Own, T = Access.Teams, A = Access.All;

    public static readonly IReadOnlyList<AccessRule> Routes =
    [
        //   method    path                                      admin manager rep integration
        new("POST", "/api/keys", A, N, N, N),
        new("GET", "/api/keys", A, N, N, N),
        new("DELETE", "/api/keys/{id}", A, N, N, N),

        new("POST", "/api/users", A, N, N, N),
        new("GET", "/api/users", A, N, N, N),
        new("GET", "/api/users/{id}", A, N, N, N),
        new("PATCH", "/api/users/{id}", A, N, N, N),
        new("DELETE", "/api/users/{id}", A, N, N, N),

        new("POST", "/api/teams", A, N, N, N),
        new("GET", "/api/teams", A, T, N, N),
        new("GET", "/api/teams/{id}", A, T, N, N),
        new("PATCH", "/api/teams/{id}", A, N, N, N),
        new("DELETE", "/api/teams/{id}", A, N, N, N),

        new("POST", "/api/reps", A, N, N, N),
        new("GET", "/api/reps", A, T, N, N),
        new("GET", "/api/reps/{id}", A, T, O, N),
        new("PATCH", "/api/reps/{id}", A, T, O, N), // managers and reps: availability only (RepsApi.PatchRep)
        new("DELETE", "/api/reps/{id}", A, N, N, N),

        new("PUT", "/api/holidays/{region}", A, N, N, N),
        new("GET", "/api/holidays", A, A, N, N),
        new("GET", "/api/holidays/{region}", A, A, N, N),
        new("DELETE", "/api/holidays/{region}", A, N, N, N),

        new("PUT", "/api/routing/flow", A, N, N, N),
        new("GET", "/api/routing/flow", A, A, N, N),
        new("GET", "/api/routing/flow/versions/{version}", A, A, N, N),
        new("POST", "/api/routing/dry-run", A, T, N, N), // a manager sees only their teams' candidates
        new("GET", "/api/routing/state", A, T, N, N), // a manager sees only their teams' rules and reps
        new("POST", "/api/routing/held/retry", A, A, N, N),

        new("POST", "/api/leads", A, A, N, A),
        new("GET", "/api/leads", A, T, O, O),
        new("GET", "/api/leads/{id}", A, T, O, O),
        new("DELETE", "/api/leads/{id}/personal-data", A, N, N, N),
        new("POST", "/api/leads/{id}/accept", N, N, Access.Offered, N), // with the rep's own key
        new("POST", "/api/leads/{id}/decline", N, N, Access.Offered, N),
        new("POST", "/api/leads/{id}/activities", A, T, O, N),
        new("POST", "/api/leads/{id}/status", A, T, O, N),
        new("POST", "/api/leads/{id}/feedback", A, T, O, N),
        new("POST", "/api/leads/{id}/reassign", A, T, N, N), // a manager: to an active rep of their teams

        new("POST", "/api/pools", A, N, N, N),
        new("GET", "/api/pools", A, T, O, N),
        new("GET", "/api/pools/{id}", A, T, O, N),
        new("PATCH", "/api/pools/{id}", A, N, N, N),
        new("DELETE", "/api/pools/{id}", A, N, N, N),
        new("GET", "/api/pools/{id}/leads", A, T, O, N),
        new("POST", "/api/pools/{id}/claims", N, N, O, N), // with a member rep's own key

        new("PUT", "/api/intake/rules", A, N, N, N),
        new("GET", "/api/intake/rules", A, A, N, N),
        new("POST", "/api/imports", A, A, N, A),

        new("POST", "/api/accounts", A, N, N, A),
        new("GET", "/api/accounts", A, T, N, A),
        new("GET", "/api/accounts/{id}", A, T, N, A),
        new("PATCH", "/api/accounts/{id}", A, N, N, A),
        new("DELETE", "/api/accounts/{id}", A, N, N, A),
        new("POST", "/api/accounts/import", A, N, N, A),

        new("POST", "/api/forms", A, N, N, N),
        new("GET", "/api/forms", A, N, N, N),
        new("DELETE", "/api/forms/{key}", A, N, N, N),

        new("POST", "/api/webhooks", A, N, N, N),
        new("GET", "/api/webhooks", A, N, N, N),
        new("GET", "/api/webhooks/{id}", A, N, N, N),
        new("DELETE", "/api/webhooks/{id}", A, N, N, N),
        new("GET", "/api/webhooks/{id}/deliveries", A, N, N, N),
        new("POST", "/api/webhooks/{id}/deliveries/{deliveryId}/resend", A, N, N, N),

        new("GET", "/api/reports/response-times", A, T, N, N), // a manager: their teams' reps

        new("GET", "/api/audit", A, N, N, N),
    ];

    private static readonly Dictionary<string, AccessRule> ByRoute = Routes.ToDictionary(r => $"{r.Method} {r.Path}", StringComparer.Ordinal);

    /// <summary>
    /// Whether <paramref name="caller"/> may do what the route does, to the resource <paramref name="id"/>
    /// names: the same answer the API gives, for the app's screens, which act through the same services.
    /// </summary>
    public static async Task<bool> MayAsync(SwitchboardDb db, Caller caller, string method, string path, string? id, CancellationToken ct)
    {
        var rule = ByRoute[$"{method} {path}"]; // a route that is not in the table is a programming error
        return rule.For(caller.Role) != Access.No && await ReachesAsync(db, caller, rule, id ?? "", ct);
    }

    /// <summary>A scoped role's reach on the resource <paramref name="id"/> names; other roles, and routes without one, reach everything.</summary>
    private static async Task<bool> ReachesAsync(SwitchboardDb db, Caller caller, AccessRule rule, string id, CancellationToken ct) =>
        rule.Resource is not { } kind || rule.For(caller.Role) is not ((Access.Own or Access.Teams or Access.Offered) and var reach) ||
        await Scopes.SeesAsync(db, caller, kind, id, reach, ct);

    /// <summary>Puts the table on every endpoint of <paramref name="api"/>, mapped before or after this call.</summary>
    public static void Enforce(RouteGroupBuilder api) => ((IEndpointConventionBuilder)api).Add(endpoint =>
    {
        if (endpoint is not RouteEndpointBuilder route || endpoint.Metadata.OfType<HttpMethodMetadata>().FirstOrDefault() is not { } methods)
        {
            return;
        }

        var path = "/" + System.Text.RegularExpressions.Regex.Replace(route.RoutePattern.RawText!.Trim('/'), @"\{(\w+):\w+\}", "{$1}"); // {version:int} → {version}
        foreach (var method in methods.HttpMethods)
        {
            if (!ByRoute.TryGetValue($"{method} {path}", out var rule))
            {
                throw new InvalidOperationException($"{method} {path} is not in the access table (Auth/AccessPolicy.cs): say who may call it");
            }

            var allowed = Roles.All.Where(r => rule.For(r) != Access.No).ToArray();
            if (allowed.Length < Roles.All.Length)
            {
                endpoint.Metadata.Add(new AuthorizeAttribute { Roles = string.Join(",", allowed) });
            }

            endpoint.Metadata.Add(rule);
            if (rule.Resource is not null && Roles.All.Any(r => rule.For(r) is Access.Own or Access.Teams or Access.Offered))
            {
                endpoint.FilterFactories.Add((_, next) => async invocation =>
                {
                    var http = invocation.HttpContext;
                    var id = http.Request.RouteValues["id"]?.ToString() ?? "";
                    if (!await ReachesAsync(http.RequestServices.GetRequiredService<SwitchboardDb>(), Caller.From(http.User), rule, id, http.RequestAborted))
                    {
                        return Api.Problems.NotFound($"no {rule.Resource!.TrimEnd('s')} '{id}'");
                    }

                    return await next(invocation);
                });
            }
        }
    });
}

/// <summary>What a scoped caller (<see cref="Access.Teams"/>, <see cref="Access.Own"/>, <see cref="Access.Offered"/>) can reach, for <see cref="AccessPolicy"/> and for lists.</summary>
public static class Scopes
{
    /// <summary>
    /// The leads a caller may see: admin all; manager their teams' reps' leads and their teams' backlog
    /// (<see cref="BacklogAsync"/>); rep their own and those offered to them; integration what it created.
    /// </summary>
    public static async Task<IQueryable<LeadRow>> LeadsAsync(SwitchboardDb db, Caller caller, CancellationToken ct)
    {
        var leads = db.Leads.AsNoTracking();
        switch (caller.Role)
        {
            case Roles.Admin:
                return leads;
            case Roles.Manager:
                var teamReps = await TeamRepIdsAsync(db, caller, ct);
                var (pools, held) = await BacklogReachAsync(db, caller, teamReps, ct);
                return leads.Where(l => (l.OwnerRepId != null && teamReps.Contains(l.OwnerRepId)) ||
                                        (l.Status == LeadStatus.Pooled && pools.Contains(l.PoolId!)) || held.Contains(l.Id));
            case Roles.Rep:
                return leads.Where(l => l.OwnerRepId == caller.RepId || (l.Status == Switchboard.Routing.Lifecycle.LeadStatus.Offered && l.OfferedRepIds.Contains(caller.RepId!)));
            default:
                return leads.Where(l => l.CreatedByKeyId == caller.KeyId);
        }
    }

    /// <summary>
    /// The leads nobody owns that wait on the caller's teams: pooled in a pool the caller sees, or held by
    /// a rule whose candidates include one of their reps. All of them for an admin; none for anyone else.
    /// </summary>
    public static async Task<IQueryable<LeadRow>> BacklogAsync(SwitchboardDb db, Caller caller, CancellationToken ct)
    {
        var waiting = db.Leads.AsNoTracking().Where(l => l.Status == LeadStatus.Held || l.Status == LeadStatus.Pooled);
        switch (caller.Role)
        {
            case Roles.Admin:
                return waiting;
            case Roles.Manager:
                var (pools, held) = await BacklogReachAsync(db, caller, await TeamRepIdsAsync(db, caller, ct), ct);
                return waiting.Where(l => (l.Status == LeadStatus.Pooled && pools.Contains(l.PoolId!)) || held.Contains(l.Id));
            default:
                return waiting.Where(l => false);
        }
    }

    /// <summary>
    /// A manager's backlog: the pools they see, and the held leads whose latest decision weighed one of
    /// their reps (a held lead has no owner; the rule that held it says whose it would be).
    /// </summary>
    private static async Task<(List<string> Pools, List<string> Held)> BacklogReachAsync(SwitchboardDb db, Caller caller, List<string> teamReps, CancellationToken ct)
    {
        var access = await PoolAccess.ForAsync(db, caller, ct);
        var pools = (await db.Pools.AsNoTracking().ToListAsync(ct)).Where(access.Sees).Select(p => p.Id).ToList();
        var traces = await db.Leads.AsNoTracking().Where(l => l.Status == LeadStatus.Held)
            .Select(l => new { l.Id, Trace = db.Decisions.Where(d => d.LeadId == l.Id).OrderByDescending(d => d.Id).Select(d => d.TraceJson).FirstOrDefault() })
            .ToListAsync(ct);
        var mine = teamReps.ToHashSet(StringComparer.Ordinal);
        var held = traces.Where(t => t.Trace is { } json && CandidatesOf(json).Any(mine.Contains)).Select(t => t.Id).ToList();
        return (pools, held);
    }

    private static IEnumerable<string> CandidatesOf(string traceJson)
    {
        using var trace = System.Text.Json.JsonDocument.Parse(traceJson);
        if (!trace.RootElement.TryGetProperty("candidates", out var candidates) || candidates.ValueKind != System.Text.Json.JsonValueKind.Array)
        {
            return [];
        }

        return [.. candidates.EnumerateArray().Select(c => c.TryGetProperty("repId", out var rep) ? rep.GetString() ?? "" : "")];
    }

    /// <summary>The reps in a manager's teams (a rep: themselves).</summary>
    public static async Task<List<string>> TeamRepIdsAsync(SwitchboardDb db, Caller caller, CancellationToken ct)
    {
        if (caller.Role == Roles.Rep)
        {
            return caller.RepId is { } self ? [self] : [];
        }

        var reps = await db.Reps.AsNoTracking().Select(r => new { r.Id, r.TeamIds }).ToListAsync(ct);
        return [.. reps.Where(r => r.TeamIds.Intersect(caller.TeamIds).Any()).Select(r => r.Id)];
    }

    public static bool SeesRep(Caller caller, RepRow rep) => caller.Role switch
    {
        Roles.Admin => true,
        Roles.Manager => rep.TeamIds.Intersect(caller.TeamIds).Any(),
        Roles.Rep => caller.RepId == rep.Id,
        _ => false,
    };

    /// <summary>Whether the caller may reach the resource of <paramref name="kind"/> with this id.</summary>
    public static async Task<bool> SeesAsync(SwitchboardDb db, Caller caller, string kind, string id, Access reach, CancellationToken ct)
    {
        switch (kind)
        {
            case "leads" when reach == Access.Offered:
                return caller.RepId is { } repId && await db.Leads.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, ct) is { } lead &&
                       (lead.OwnerRepId == repId || lead.OfferedRepIds.Contains(repId) || lead.ExcludedRepIds.Contains(repId) ||
                        (await Views.DecisionView.LatestAsync(db, id, ct))?.OfferedRepIds?.Contains(repId) == true);
            case "leads":
                return await (await LeadsAsync(db, caller, ct)).AnyAsync(l => l.Id == id, ct);
            case "reps":
                return await db.Reps.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) is { } rep && SeesRep(caller, rep);
            case "teams":
                return caller.IsAdmin || caller.TeamIds.Contains(id);
            case "pools":
                return await db.Pools.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) is { } pool && (await PoolAccess.ForAsync(db, caller, ct)).Sees(pool);
            case "accounts":
                if (caller.Role is Roles.Admin or Roles.Integration)
                {
                    return true;
                }

                var owner = await db.Accounts.AsNoTracking().Where(a => a.Id == id).Select(a => a.OwnerRepId).FirstOrDefaultAsync(ct);
                return owner is not null && (await TeamRepIdsAsync(db, caller, ct)).Contains(owner);
            default:
                return caller.IsAdmin;
        }
    }
}
