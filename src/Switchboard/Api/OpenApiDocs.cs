using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Switchboard.Api;

/// <summary>What the generated OpenAPI document needs beyond the endpoints: how to authenticate.</summary>
public static class OpenApiDocs
{
    public const string BearerScheme = "bearer";

    /// <summary>API keys go in <c>Authorization: Bearer KEY</c>; declared so that /docs can send one.</summary>
    public static Task DeclareBearerKeys(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key (admin, manager, rep or integration) as 'Authorization: Bearer KEY'. Website form posts need none.",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] });
        return Task.CompletedTask;
    }

    /// <summary>
    /// Answers leave out null fields, so a nullable property of an answer is not required. Inputs say what
    /// they require themselves: a record parameter without a default is required, one with '= null' is not.
    /// </summary>
    public static Task OnlyTrulyRequired(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (schema.Required is not { Count: > 0 } required || context.JsonTypeInfo.Type.Name.EndsWith("Input", StringComparison.Ordinal))
        {
            return Task.CompletedTask;
        }

        foreach (var property in context.JsonTypeInfo.Properties.Where(p => p.IsGetNullable))
        {
            required.Remove(property.Name);
        }

        return Task.CompletedTask;
    }
}
