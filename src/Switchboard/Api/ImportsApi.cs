using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Auth;
using Switchboard.Capture;

namespace Switchboard.Api;

/// <summary><c>POST /api/imports</c>: a CSV body, streamed; answers with counts and every reject.</summary>
public static class ImportsApi
{
    public static RouteGroupBuilder MapImportsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/imports", Import).WithTags("Imports").RequireAuthorization(Policies.CreatesLeads).Accepts<string>("text/csv");
        return api;
    }

    /// <param name="map">Column mapping, <c>Column:field,Other column:company.name</c>; unmapped columns go by their names.</param>
    public static async Task<Results<Ok<ImportResult>, ValidationProblem>> Import(HttpRequest request, HttpContext http, CsvImport import, string? map, CancellationToken ct)
    {
        var columns = CsvImport.ParseMap(map);
        foreach (var (column, target) in columns)
        {
            if (LeadFields.TargetError(target) is { } error)
            {
                return Problems.Field($"map.{column}", error);
            }
        }

        var caller = Caller.From(http.User);
        var result = await import.RunAsync(request.Body, columns, caller.KeyName, "by CSV import (API)", ct: ct);
        return TypedResults.Ok(result);
    }
}
