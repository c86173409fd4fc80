using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Switchboard.Auth;
using Switchboard.Capture;

namespace Switchboard.Api;

/// <summary><c>POST /api/imports</c>: a CSV body, streamed; answers with counts and every reject.</summary>
public static class ImportsApi
{
    public static RouteGroupBuilder MapImportsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/imports", Import).WithTags("Imports").Accepts<string>("text/csv");
        return api;
    }

    /// <param name="map">Column mapping, <c>Column:field,Other column:company.name</c>; unmapped columns go by their names.</param>
    public static async Task<Results<Ok<ImportResult>, ValidationProblem, ProblemHttpResult>> Import(
        HttpRequest request, HttpContext http, CsvImport import, SwitchboardOptions options, string? map, CancellationToken ct)
    {
        var columns = CsvImport.ParseMap(map);
        foreach (var (column, target) in columns)
        {
            if (LeadFields.TargetError(target) is { } error)
            {
                return Problems.Field($"map.{column}", error);
            }
        }

        AllowImportBody(http, options);
        var caller = Caller.From(http.User);
        try
        {
            return TypedResults.Ok(await import.RunAsync(request.Body, columns, caller.KeyName, "by CSV import (API)", ct: ct));
        }
        catch (ImportStoppedException stopped)
        {
            // What came before the break is stored: say how far it got, so the rest can be sent again.
            var tooLarge = stopped.InnerException is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge };
            return TypedResults.Problem(
                tooLarge ? $"the file is larger than the {options.MaxImportBytes:N0} bytes an import takes; lines up to {stopped.LastLine} are imported, send the rest as another file"
                         : $"the upload broke off after line {stopped.LastLine} ({stopped.InnerException?.Message}); lines up to there are imported",
                statusCode: tooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
                title: "The import stopped part-way.",
                extensions: new Dictionary<string, object?>
                {
                    ["imported"] = stopped.SoFar.Imported,
                    ["duplicates"] = stopped.SoFar.Duplicates,
                    ["rejected"] = stopped.SoFar.Rejected,
                    ["lastLine"] = stopped.LastLine,
                });
        }
    }

    /// <summary>Imports stream files far larger than other bodies (<see cref="SwitchboardOptions.MaxImportBytes"/>).</summary>
    public static void AllowImportBody(HttpContext http, SwitchboardOptions options)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxImportBytes;
        }
    }
}
