using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Switchboard.Tests.App;

/// <summary>
/// A small OpenID provider for tests: discovery, keys, an authorize endpoint that signs in whoever
/// <see cref="Person"/> says (no screen of its own), and a token endpoint that checks the client's secret
/// and PKCE verifier and answers with a signed id_token carrying the nonce.
/// </summary>
public sealed class TestOpenIdProvider : IAsyncDisposable
{
    public const string ClientId = "switchboard";
    public const string ClientSecret = "test-client-secret";

    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "test-key" };
    private readonly ConcurrentDictionary<string, (string Nonce, string Challenge, (string Subject, string Email, bool Verified) Person)> _codes = new();

    private TestOpenIdProvider(WebApplication app) => _app = app;

    /// <summary>Who the next sign-in at this provider is: their account id there, email, and whether the provider verified it.</summary>
    public (string Subject, string Email, bool Verified) Person { get; set; } = ("sub-1", "someone@example.com", true);

    /// <summary>How many id_tokens it has handed out (each a completed sign-in).</summary>
    public int TokensIssued { get; private set; }

    public string Authority => _app.Urls.First();

    public static async Task<TestOpenIdProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var provider = new TestOpenIdProvider(builder.Build());
        provider.Map();
        await provider._app.StartAsync();
        return provider;
    }

    private void Map()
    {
        _app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Authority,
            ["authorization_endpoint"] = Authority + "/authorize",
            ["token_endpoint"] = Authority + "/token",
            ["jwks_uri"] = Authority + "/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
        }));
        _app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(_key);
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        _app.MapGet("/authorize", (HttpRequest r) =>
        {
            var q = r.Query;
            if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256")
            {
                return Results.BadRequest("unexpected authorize request");
            }

            var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            _codes[code] = (q["nonce"].ToString(), q["code_challenge"].ToString(), Person);
            return Results.Redirect($"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"].ToString())}");
        });
        _app.MapPost("/token", async (HttpRequest r) =>
        {
            var form = await r.ReadFormAsync();
            if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret || form["grant_type"] != "authorization_code"
                || !_codes.TryRemove(form["code"].ToString(), out var grant)
                || Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != grant.Challenge)
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }

            TokensIssued++;
            var now = DateTime.UtcNow;
            var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Authority,
                Audience = ClientId,
                IssuedAt = now,
                NotBefore = now,
                Expires = now.AddMinutes(5),
                SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
                Subject = new ClaimsIdentity([
                    new Claim("sub", grant.Person.Subject),
                    new Claim("nonce", grant.Nonce),
                    new Claim("email", grant.Person.Email),
                    new Claim("email_verified", grant.Person.Verified ? "true" : "false", ClaimValueTypes.Boolean),
                ]),
            });
            return Results.Json(new { access_token = "opaque-" + Guid.NewGuid(), token_type = "Bearer", expires_in = 300, id_token = idToken });
        });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
