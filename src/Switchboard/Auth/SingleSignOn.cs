using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Switchboard.App.Pages;
using Switchboard.Storage;

namespace Switchboard.Auth;

/// <summary>
/// OpenID Connect sign-in (Entra ID, Google, Okta, Keycloak…), on when <c>SWITCHBOARD_OIDC_*</c> is set.
/// The provider vouches for an email; the person signs in as the Switchboard user with that email (or
/// the one who signed in with that provider account before). Nobody gets an account by signing in:
/// an admin adds people first, with their role, as for passwords.
/// </summary>
public static class SingleSignOn
{
    public const string Scheme = "oidc";
    public const string StartPath = "/signin/oidc";
    private const string DonePath = "/signin/oidc/done";

    /// <summary>Why a sign-in through the provider did not let the person in, as the sign-in page says it (<c>?sso=</c>).</summary>
    public static readonly IReadOnlyDictionary<string, string> Refusals = new Dictionary<string, string>
    {
        ["failed"] = "Signing in with your provider did not complete. Try again, or sign in with your password.",
        ["no-email"] = "Your provider did not tell us your email address, so we cannot tell who you are. Ask your admin to let Switchboard read it (the email scope).",
        ["unverified"] = "Your provider has not verified your email address, so we cannot tell it is yours. Verify it there and try again.",
        ["unknown"] = "No Switchboard account has the email your provider gave us. Ask an admin to add you.",
        ["locked"] = "This account is locked. Ask an admin to unlock it.",
    };

    private static string Refused(string why) => $"{People.SignInPath}?sso={why}";

    public static AuthenticationBuilder AddSingleSignOn(this AuthenticationBuilder auth, OidcSettings? settings)
    {
        if (settings is null)
        {
            return auth;
        }

        return auth.AddOpenIdConnect(Scheme, settings.Name, o =>
        {
            o.Authority = settings.Authority.ToString();
            o.RequireHttpsMetadata = settings.Authority.Scheme == "https";
            o.ClientId = settings.ClientId;
            o.ClientSecret = settings.ClientSecret;
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.UsePkce = true;

            // Back by a redirect (GET), not a cross-site form post: the correlation cookies can then stay
            // SameSite=Lax, which browsers keep without https too.
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.CallbackPath = "/signin/oidc/callback";
            o.SignInScheme = IdentityConstants.ExternalScheme;
            o.Scope.Clear();
            foreach (var scope in settings.Scopes)
            {
                o.Scope.Add(scope);
            }

            o.MapInboundClaims = false; // keep the provider's names: sub, email, email_verified
            o.GetClaimsFromUserInfoEndpoint = true; // Okta and others say email_verified only there
            o.ClaimActions.MapUniqueJsonKey("email_verified", "email_verified");
            o.Events.OnRemoteFailure = context =>
            {
                context.Response.Redirect(Refused("failed"));
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
    }

    public static void MapSingleSignOn(this WebApplication app, OidcSettings? settings)
    {
        if (settings is null)
        {
            return;
        }

        app.MapGet(StartPath, (string? returnUrl) => TypedResults.Challenge(
            new AuthenticationProperties { RedirectUri = $"{DonePath}?returnUrl={Uri.EscapeDataString(SignInInput.LocalOnly(returnUrl))}" }, [Scheme]))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapGet(DonePath, FinishAsync).AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>The provider has answered: find the person it vouched for and sign them in to the app.</summary>
    private static async Task<IResult> FinishAsync(HttpContext http, string? returnUrl, SignInManager<UserRow> signIns, SwitchboardOptions options)
    {
        var external = await http.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await http.SignOutAsync(IdentityConstants.ExternalScheme);
        if (!external.Succeeded)
        {
            return TypedResults.LocalRedirect(Refused("failed"));
        }

        var (subject, email, refusal) = Vouched(external.Principal, options.Oidc!.TrustEmail);
        var users = signIns.UserManager;
        var user = subject is null ? null : await users.FindByLoginAsync(Scheme, subject);
        if (user is null && refusal is not null)
        {
            return TypedResults.LocalRedirect(Refused(refusal));
        }

        if (user is null && (user = await users.FindByEmailAsync(email!)) is not null)
        {
            // The first time: remember the provider's account, so a later change of address there still finds them.
            await users.AddLoginAsync(user, new UserLoginInfo(Scheme, subject!, options.Oidc.Name));
        }

        if (user is null)
        {
            return TypedResults.LocalRedirect(Refused("unknown"));
        }

        if (await users.IsLockedOutAsync(user))
        {
            return TypedResults.LocalRedirect(Refused("locked"));
        }

        await signIns.SignInAsync(user, isPersistent: false, authenticationMethod: Scheme);
        return TypedResults.LocalRedirect(SignInInput.LocalOnly(returnUrl));
    }

    /// <summary>
    /// Who the provider says this is: its account id, and the email if it is verified (or trusted anyway);
    /// else why not, as a key of <see cref="Refusals"/>.
    /// </summary>
    public static (string? Subject, string? Email, string? Refusal) Vouched(ClaimsPrincipal principal, bool trustEmail)
    {
        var subject = principal.FindFirstValue("sub") ?? principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (subject is null)
        {
            return (null, null, "failed");
        }

        var email = (principal.FindFirstValue("email") ?? principal.FindFirstValue(ClaimTypes.Email))?.Trim();
        if (email is not { Length: > 0 })
        {
            return (subject, null, "no-email");
        }

        var verified = bool.TryParse(principal.FindFirstValue("email_verified"), out var v) && v;
        return verified || trustEmail ? (subject, email, null) : (subject, null, "unverified");
    }
}
