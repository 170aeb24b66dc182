using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace PatientContact.Inbox.Staff.Api;

/// <summary>
/// The OpenAPI document of the inbox API at <c>GET /openapi/v1.json</c>, made by
/// Microsoft.AspNetCore.OpenApi from the endpoints themselves. The repository keeps a copy
/// (<c>docs/api/openapi.v1.json</c>) that a test compares with what the service serves. It names no
/// server: a client uses the address it fetched the document from.
/// </summary>
public static class InboxApiDocument
{
    public const string Name = "v1";
    public const string Path = "/openapi/v1.json";

    private const string CookieScheme = "staffSession";
    private const string BearerScheme = "integrationToken";

    /// <summary>The list's query parameters (InboxFilter reads them from the query itself, so they are named here).</summary>
    private static readonly (string Name, string Description, JsonSchemaType Type)[] ListParameters =
    [
        ("status", "new, in-progress or done", JsonSchemaType.String),
        ("matched", "matched or unmatched (to a PDS record)", JsonSchemaType.String),
        ("requestType", "a request type id from the service's rules", JsonSchemaType.String),
        ("redFlag", "yes or no", JsonSchemaType.String),
        ("q", "a reference ID or part of a name", JsonSchemaType.String),
        ("service", "a service id the caller may see", JsonSchemaType.String),
        ("page", "from 1", JsonSchemaType.Integer),
        ("pageSize", $"1 to {Requests.InboxFilter.MaxPageSize} (default {Requests.InboxFilter.DefaultPageSize})", JsonSchemaType.Integer),
    ];

    public static IServiceCollection AddInboxApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(Name, options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/inbox", StringComparison.OrdinalIgnoreCase) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "PatientContact inbox API",
                    Version = "v1",
                    Description = "Requests patients submitted, for the staff of each service and for integrations "
                        + "(GP systems, reporting jobs) with a bearer token whose scopes name the services: "
                        + "inbox.read:{serviceId} to read, inbox.write:{serviceId} to read and change. Every read is audited.",
                };
                document.Servers = [];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal)
                {
                    [BearerScheme] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        BearerFormat = "JWT",
                        Description = "An access token from the issuer in Integrations:Authority, for the audience in Integrations:Audience.",
                    },
                    [CookieScheme] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.ApiKey,
                        In = ParameterLocation.Cookie,
                        Name = "__Host-PatientContact.Staff",
                        Description = "A member of staff's session, after signing in at /inbox/login.",
                    },
                };
                document.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(CookieScheme, document)] = [] },
                ];
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.RelativePath == "api/inbox/requests" && context.Description.HttpMethod == "GET")
                {
                    operation.Parameters ??= [];
                    foreach (var (name, description, type) in ListParameters)
                    {
                        operation.Parameters.Add(new OpenApiParameter
                        {
                            Name = name,
                            In = ParameterLocation.Query,
                            Description = description,
                            Schema = new OpenApiSchema { Type = type },
                        });
                    }
                }

                return Task.CompletedTask;
            });
        });

    /// <summary>Serves the document to anyone: it describes the API and holds no data.</summary>
    public static IEndpointRouteBuilder MapInboxApiDocument(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        return app;
    }
}
