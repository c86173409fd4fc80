using System.Net.Http.Json;

namespace Switchboard.Capture;

/// <summary>
/// A human check on public forms (Cloudflare Turnstile or hCaptcha), on when <c>SWITCHBOARD_FORM_CHALLENGE</c>
/// names the provider: each post must carry the widget's token (<c>cf-turnstile-response</c> or
/// <c>h-captcha-response</c>), which the provider's siteverify endpoint confirms with the secret
/// (<c>SWITCHBOARD_FORM_CHALLENGE_SECRET</c>). The token is not a lead field.
/// </summary>
public sealed class FormChallenge(IHttpClientFactory http, SwitchboardOptions options, ILogger<FormChallenge> log)
{
    public const string HttpClientName = "form-challenge";

    public static readonly IReadOnlyDictionary<string, (string TokenField, string VerifyUrl)> Providers = new Dictionary<string, (string, string)>
    {
        ["turnstile"] = ("cf-turnstile-response", "https://challenges.cloudflare.com/turnstile/v0/siteverify"),
        ["hcaptcha"] = ("h-captcha-response", "https://api.hcaptcha.com/siteverify"),
    };

    public bool On => options.FormChallenge is not null;

    public string TokenField => Providers[options.FormChallenge!].TokenField;

    public enum Outcome
    {
        Passed,
        Failed,
        Unverifiable,
    }

    /// <summary>Whether the provider confirms <paramref name="token"/> for a post from <paramref name="address"/>.</summary>
    public async Task<Outcome> VerifyAsync(string? token, string address, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return Outcome.Failed;
        }

        var url = options.FormChallengeVerifyUrl ?? Providers[options.FormChallenge!].VerifyUrl;
        try
        {
            using var response = await http.CreateClient(HttpClientName).PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["secret"] = options.FormChallengeSecret ?? "",
                ["response"] = token,
                ["remoteip"] = address,
            }), ct);
            var answer = await response.Content.ReadFromJsonAsync<VerifyAnswer>(ct);
            return answer?.Success == true ? Outcome.Passed : Outcome.Failed;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !ct.IsCancellationRequested)
        {
            log.LogWarning("Form challenge: {Provider} could not be asked ({Reason})", options.FormChallenge, e.Message);
            return Outcome.Unverifiable;
        }
    }

    private sealed record VerifyAnswer(bool Success);
}
