using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Switchboard.Tests.Docs;

/// <summary>
/// docs/http-api.md lists every endpoint with who may call it. The list is checked against the
/// service's own routes and authorization policies, so the document cannot drift from the code: a new
/// endpoint, a removed one or a changed role fails here, naming the row to add or drop.
/// </summary>
public sealed partial class HttpApiDocTests : IAsyncLifetime
{
    private readonly SqliteDatabase _database = new();
    private ServiceHost? _host;

    public async ValueTask InitializeAsync() => _host = await ServiceHost.StartAsync(await _database.CreateAsync());

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
            _database.Delete(_host.Db);
        }
    }

    // | `POST` | `/api/leads` | admin, manager, integration | what it does |
    [GeneratedRegex(@"^\| `(?<method>[A-Z]+)` \| `(?<path>[^`]+)` \| (?<who>[^|]+?) \|", RegexOptions.Multiline)]
    private static partial Regex Row();

    private static readonly string[] ApiPrefixes = ["/api/", "/forms/", "/healthz", "/openapi/", "/docs"];

    [Fact]
    public async Task EveryEndpoint_IsListed_WithWhoMayCallIt_AndNothingElseIs()
    {
        var doc = File.ReadAllText(Path.Combine(Path.GetDirectoryName(ReadmeExamplesTests.ReadmePath())!, "docs", "http-api.md"));
        var listed = Row().Matches(doc).Select(m => $"{m.Groups["method"].Value} {m.Groups["path"].Value} | {m.Groups["who"].Value.Trim()}").ToHashSet();

        var policies = _host!.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        var served = new HashSet<string>();
        foreach (var endpoint in _host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            // The app's pages, its sign-out and its static files are the app's (docs/app.md), not the HTTP API's.
            if (endpoint.Metadata.GetMetadata<HttpMethodMetadata>() is not { } methods ||
                !ApiPrefixes.Any(p => ("/" + endpoint.RoutePattern.RawText!.TrimStart('/')).StartsWith(p, StringComparison.Ordinal)))
            {
                continue;
            }

            var who = await WhoAsync(endpoint, policies);
            // HEAD beside GET (health, OpenAPI, docs page) is the GET without a body; the document lists the GET.
            foreach (var method in methods.HttpMethods.Where(m => m != "HEAD" || !methods.HttpMethods.Contains("GET")))
            {
                served.Add($"{method} /{Regex.Replace(endpoint.RoutePattern.RawText!.Trim('/'), @"\{(\w+):\w+\}", "{$1}")} | {who}");
            }
        }

        var missing = served.Except(listed).Order(StringComparer.Ordinal).ToList();
        var extra = listed.Except(served).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"docs/http-api.md is out of step with the service.\nServed but not listed (method path | who):\n  {string.Join("\n  ", missing)}\nListed but not served:\n  {string.Join("\n  ", extra)}");
    }

    /// <summary>The roles an endpoint admits, as the document writes them: "anyone", "any key" (the fallback policy: any valid key), or role names.</summary>
    private static async Task<string> WhoAsync(RouteEndpoint endpoint, IAuthorizationPolicyProvider policies)
    {
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return "anyone";
        }

        // An API route: the roles the access table admits, each with its reach. The authorization
        // metadata must admit exactly those roles.
        if (endpoint.Metadata.GetMetadata<Switchboard.Auth.AccessRule>() is { } rule)
        {
            var admitted = Switchboard.Auth.Roles.All.Where(r => rule.For(r) != Switchboard.Auth.Access.No).Order(StringComparer.Ordinal).ToList();
            var enforced = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().SelectMany(d => d.Roles?.Split(',', StringSplitOptions.TrimEntries) ?? []).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(admitted.Count == Switchboard.Auth.Roles.All.Length ? [] : admitted, enforced);
            return string.Join(", ", admitted.Select(r => rule.For(r) switch
            {
                Switchboard.Auth.Access.Teams => $"{r} (their teams)",
                Switchboard.Auth.Access.Own => $"{r} (own)",
                Switchboard.Auth.Access.Offered => $"{r} (offered to them)",
                _ => r,
            }));
        }

        var roles = new List<string>();
        var authorized = false;
        foreach (var data in endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>())
        {
            authorized = true;
            var policy = data.Policy is { } name ? await policies.GetPolicyAsync(name) : await policies.GetDefaultPolicyAsync();
            roles.AddRange(policy!.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles));
            roles.AddRange(data.Roles?.Split(',', StringSplitOptions.TrimEntries) ?? []);
        }

        if (!authorized && await policies.GetFallbackPolicyAsync() is { } fallback)
        {
            authorized = true;
            roles.AddRange(fallback.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles));
        }

        return !authorized ? "anyone" : roles.Count == 0 ? "any key" : string.Join(", ", roles.Distinct().Order(StringComparer.Ordinal));
    }
}
