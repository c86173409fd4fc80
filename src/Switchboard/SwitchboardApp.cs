using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using MudBlazor.Services;
using Scalar.AspNetCore;
using Switchboard.App;
using Switchboard.Api;
using Switchboard.Auth;
using Switchboard.Capture;
using Switchboard.Notify;
using Switchboard.Pools;
using Switchboard.Distribution;
using Switchboard.Scoring;
using Switchboard.Storage;
using Switchboard.Work;

namespace Switchboard;

/// <summary>The web host, read top to bottom like a table of contents.</summary>
public static class SwitchboardApp
{
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>
    /// Builds the service and prepares its database (migrations, admin key) so it is ready to listen.
    /// <paramref name="configure"/> lets tests and benchmarks swap settings or the clock.
    /// </summary>
    public static async Task<WebApplication> CreateAsync(string[] args, Action<WebApplicationBuilder>? configure = null, TextWriter? console = null)
    {
        // Settings come from SWITCHBOARD_* variables; an appsettings.json is read once, not watched: watching
        // it watches the whole working folder, where the SQLite file and its WAL live, so every write woke
        // the watcher thread (about 13% of a core under load).
        // The application is this assembly wherever it is hosted (tests and benchmarks too): its static
        // files' manifests carry its name.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false", .. args],
            ApplicationName = typeof(SwitchboardApp).Assembly.GetName().Name,
        });
        builder.Configuration.AddEnvironmentVariables("SWITCHBOARD_");
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);

        // No line per request by default (ASP.NET Core writes several at information level); the service's
        // own information lines (held leads routed, a first admin key) stay.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configure?.Invoke(builder);

        var options = SwitchboardOptions.From(builder.Configuration);
        builder.Services.AddSingleton(options);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxBodyBytes); // imports raise it for themselves
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSwitchboardStorage(options);
        builder.Services.AddSwitchboardAuth(options);
        builder.Services.AddSingleton<AccountEmails>();
        builder.Services.AddSingleton<FlowStore>();
        builder.Services.AddSingleton<RoutingSnapshots>();
        builder.Services.AddSingleton<LeadRouting>();
        builder.Services.AddSingleton<LeadMoves>();
        builder.Services.AddSingleton<IntakeRulesStore>();
        builder.Services.AddSingleton<LeadScorer>();
        builder.Services.AddSingleton<LeadCapture>();
        builder.Services.AddSingleton<CsvImport>();
        builder.Services.AddSingleton<CaptureQueue>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CaptureQueue>());
        builder.Services.AddSingleton<PoolClaims>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PoolClaims>());
        builder.Services.AddSingleton<HeldLeadRetrier>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HeldLeadRetrier>());
        builder.Services.AddSingleton<LeadClock>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LeadClock>());
        builder.Services.AddHostedService<WebhookDispatcher>();
        builder.Services.AddHostedService<EmailDispatcher>();
        builder.Services.AddHttpClient(FormChallenge.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton<FormChallenge>();
        builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => StandardWebhooks.Handler(options.WebhooksAllowPrivate));
        builder.Services.AddProblemDetails();
        builder.Services.AddAbuseLimits(options);
        builder.Services.AddExceptionHandler<BadRequests>();
        builder.Services.AddExceptionHandler<DatabaseBusy>();
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // so BadRequests can name the parameter
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer(OpenApiDocs.DeclareBearerKeys).AddSchemaTransformer(OpenApiDocs.OnlyTrulyRequired));
        builder.Services.ConfigureHttpJsonOptions(o => Json.Configure(o.SerializerOptions));

        // The app people work in (App/): Blazor interactive server pages with MudBlazor, live over SignalR.
        builder.WebHost.UseStaticWebAssets(); // MudBlazor's and Blazor's files, also when run from a build folder
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddMudServices();
        builder.Services.AddSingleton<AppData>();
        builder.Services.AddSingleton<LiveUpdates>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LiveUpdates>());

        var app = builder.Build();
        app.Use(SecurityHeaders.AddAsync);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRateLimiter(); // after authentication: limits count per key
        app.UseAuthorization();
        app.UseAntiforgery(); // the app's forms; the API and public lead forms take no cookies to forge

        // Public pages answer HEAD as they answer GET (uptime monitors, link checkers).
        app.MapOpenApi().AllowAnonymous().WithMetadata(new HttpMethodMetadata(["GET", "HEAD"]));
        app.MapScalarApiReference("/docs").AllowAnonymous().WithMetadata(new HttpMethodMetadata(["GET", "HEAD"]));
        app.MapMethods("/healthz", ["GET", "HEAD"], HealthAsync).AllowAnonymous().ExcludeFromDescription();

        var api = app.MapGroup("/api");
        AccessPolicy.Enforce(api); // who may call each route below: Auth/AccessPolicy.cs
        api.MapKeysApi();
        api.MapUsersApi();
        api.MapTeamsApi();
        api.MapRepsApi();
        api.MapRoutingApi();
        api.MapLeadsApi();
        api.MapHolidaysApi();
        api.MapIntakeApi();
        api.MapImportsApi();
        api.MapAuditApi();
        api.MapAccountsApi();
        api.MapPoolsApi();
        api.MapLeadActionsApi();
        api.MapWebhooksApi();
        api.MapReportsApi();
        app.MapFormsApi(api);

        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App.App>().AddInteractiveServerRenderMode();
        app.MapPost("/signout", SignOutAsync);
        app.MapSingleSignOn(options.Oidc);

        await StorageExtensions.MigrateAsync(app.Services);
        await ApiKeySecrets.EnsureAdminKeyAsync(app.Services, options, app.Services.GetRequiredService<TimeProvider>(), console ?? Console.Out);
        app.Lifetime.ApplicationStarted.Register(() => FirstAdmin.TellHowToSignIn(app, console ?? Console.Out));
        return app;
    }

    /// <summary>A form post (with the app's antiforgery token) that ends the person's session.</summary>
    private static async Task<IResult> SignOutAsync(SignInManager<UserRow> signIns, [FromForm] string? returnUrl)
    {
        await signIns.SignOutAsync();
        return TypedResults.LocalRedirect(People.SignInPath);
    }

    private static async Task<IResult> HealthAsync(SwitchboardDb db, CancellationToken ct) =>
        await db.Database.CanConnectAsync(ct)
            ? TypedResults.Ok(new { status = "ok" })
            : TypedResults.Problem("the database is not reachable", statusCode: 503);
}
