using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Switchboard.Storage;

namespace Switchboard.Auth;

/// <summary>
/// Sign-in for people (ASP.NET Core Identity, cookies) beside API keys for integrations. A request
/// with <c>Authorization: Bearer</c>, and every <c>/api</c> request, is authenticated by key; the app's
/// pages by the Identity cookie. Both give the same claims (role, rep, teams), so <see cref="Caller"/>,
/// <see cref="AccessPolicy"/> and <see cref="Scopes"/> treat a person as they treat a key.
/// </summary>
public static class People
{
    public const string Scheme = "Switchboard";
    public const string SignInPath = "/signin";

    /// <summary>Failed passwords before an account is locked, and for how long.</summary>
    public const int MaxFailedSignIns = 5;
    public static readonly TimeSpan LockoutTime = TimeSpan.FromMinutes(15);

    /// <summary>Identity's table layout (version 3: with passkeys), also where SwitchboardDb is made without the app.</summary>
    public static readonly Version SchemaVersion = IdentitySchemaVersions.Version3;

    public static IServiceCollection AddSwitchboardAuth(this IServiceCollection services, SwitchboardOptions options)
    {
        // Cookie and antiforgery keys live in the database: sessions survive restarts and work on every instance.
        services.AddDataProtection().SetApplicationName("Switchboard").PersistKeysToDbContext<SwitchboardDb>();
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<FirstAdmin>();
        var auth = services.AddAuthentication(Scheme);
        auth.AddPolicyScheme(Scheme, "API key or sign-in cookie", o => o.ForwardDefaultSelector = http =>
                http.Request.Path.StartsWithSegments("/api") || http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies(cookies => cookies.ApplicationCookie!.Configure(o =>
            {
                o.LoginPath = SignInPath;
                o.LogoutPath = "/signout";
                o.AccessDeniedPath = "/denied";
                o.Cookie.Name = "switchboard";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax; // Lax, not Strict: an OpenID provider's redirect back must carry it
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.SlidingExpiration = true;
            }));
        auth.AddSingleSignOn(options.Oidc);
        services.AddIdentityCore<UserRow>(o =>
            {
                o.Stores.SchemaVersion = SchemaVersion;
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10; // length over character classes (NIST SP 800-63B)
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = MaxFailedSignIns;
                o.Lockout.DefaultLockoutTimeSpan = LockoutTime;
            })
            .AddEntityFrameworkStores<SwitchboardDb>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<PersonClaims>();

        // A role or team changed by an admin (which renews the security stamp) reaches signed-in people within a minute.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return services;
    }

    /// <summary>A person as <see cref="Caller"/> reads them; what <see cref="ApiKeyAuthenticationHandler"/> gives a key.</summary>
    public static IEnumerable<Claim> ClaimsOf(UserRow user)
    {
        yield return new Claim(ClaimTypes.Role, user.Role);
        if (user.RepId is { } rep)
        {
            yield return new Claim("rep", rep);
        }

        foreach (var team in user.TeamIds)
        {
            yield return new Claim("team", team);
        }
    }
}

/// <summary>Adds role, rep and teams to the signed-in person's claims (Identity gives id, email and security stamp).</summary>
public sealed class PersonClaims(UserManager<UserRow> users, IOptions<IdentityOptions> options) : UserClaimsPrincipalFactory<UserRow>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(UserRow user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaims(People.ClaimsOf(user));
        return identity;
    }
}

/// <summary>
/// Before anyone can sign in, the first start prints a one-time link that makes whoever opens it the
/// first admin (or run <c>switchboard users add --email … --role admin</c>). The code lives only in
/// this process and stops working once any user exists.
/// </summary>
public sealed class FirstAdmin
{
    private readonly string _code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    public string Path => $"/setup?code={_code}";

    /// <summary>Once listening, and only while nobody can sign in yet: how the first admin gets in.</summary>
    public static void TellHowToSignIn(WebApplication app, TextWriter output)
    {
        using var scope = app.Services.CreateScope();
        if (scope.ServiceProvider.GetRequiredService<SwitchboardDb>().Users.Any())
        {
            return;
        }

        var link = app.Services.GetRequiredService<Notify.AccountEmails>().BaseUrl() + app.Services.GetRequiredService<FirstAdmin>().Path;
        output.WriteLine($"No one can sign in to the app yet. Open {link} to become its first admin (the link works until someone is), or run: switchboard users add --email you@example.com --role admin");
    }

    public bool Matches(string? code) => code is not null && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(code), System.Text.Encoding.UTF8.GetBytes(_code));
}
