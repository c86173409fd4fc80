using Switchboard.Intake;

namespace Switchboard;

/// <summary>
/// Service settings. Read from configuration keys of the same name, which environment variables
/// prefixed <c>SWITCHBOARD_</c> set (e.g. <c>SWITCHBOARD_DB</c>, <c>SWITCHBOARD_ADMIN_KEY</c>).
/// </summary>
public sealed class SwitchboardOptions
{
    /// <summary>
    /// The database: a SQLite file path or connection string, or a PostgreSQL connection string.
    /// The default value is <c>Data Source=./data/switchboard.db</c>.
    /// </summary>
    public string Db { get; set; } = "Data Source=./data/switchboard.db";

    /// <summary><c>sqlite</c> or <c>postgres</c>. The default value is inferred from <see cref="Db"/>.</summary>
    public string? DbProvider { get; set; }

    /// <summary>SQLite's synchronous pragma. The default value is <c>FULL</c>: every acknowledged write survives power loss.</summary>
    public string SqliteSynchronous { get; set; } = "FULL";

    /// <summary>
    /// The admin key to ensure on start; when unset and no admin key exists, one is created and printed once.
    /// A key shorter than <see cref="MinAdminKeyLength"/> or of fewer than 8 different characters is refused at start.
    /// </summary>
    public string? AdminKey { get; set; }

    public const int MinAdminKeyLength = 24;

    /// <summary>Seconds between retries of held leads (they are also retried when reps or the flow change). The default value is 30.</summary>
    public int HeldRetrySeconds { get; set; } = 30;

    /// <summary>
    /// Email to reps over SMTP (<c>SMTP_HOST</c>, <c>SMTP_PORT</c>, <c>SMTP_FROM</c>, <c>SMTP_USER</c>, <c>SMTP_PASSWORD</c>,
    /// <c>SMTP_SECURITY</c> none|starttls|ssl, <c>SMTP_EVENTS</c>, <c>SMTP_TEMPLATE</c> file). Off without a host.
    /// </summary>
    public SmtpSettings? Smtp { get; set; }

    /// <summary>Webhook targets on loopback or private addresses are refused unless this is true (<c>WEBHOOKS_ALLOW_PRIVATE</c>).</summary>
    public bool WebhooksAllowPrivate { get; set; }

    /// <summary>How long a webhook endpoint may take to answer, in milliseconds (<c>WEBHOOK_TIMEOUT_MS</c>). The default value is 10000.</summary>
    public int WebhookTimeoutMilliseconds { get; set; } = 10_000;

    /// <summary>Milliseconds between looks for expired offers and pool escalations (<c>CLOCK_MS</c>). The default value is 500.</summary>
    public int ClockMilliseconds { get; set; } = 500;

    /// <summary>
    /// Whether this instance runs the lead clock (offers, SLA deadlines, reminders, pool escalations) on its
    /// own (<c>LEAD_CLOCK</c>, true/false). The default value is true; with several instances one may be
    /// enough, and tests tick it themselves.
    /// </summary>
    public bool LeadClock { get; set; } = true;

    /// <summary>
    /// When a new lead is the same person as an existing one: <c>DEDUPE_BY_EMAIL</c>, <c>DEDUPE_BY_PHONE</c>,
    /// <c>DEDUPE_BY_NAME_AT_COMPANY</c> (true/false) and <c>DEDUPE_NAME_THRESHOLD</c> (Jaro-Winkler, 0-1).
    /// The default values match on all three with a threshold of 0.92.
    /// </summary>
    public DedupeRules Dedupe { get; set; } = DedupeRules.Default;

    /// <summary>A model from <c>switchboard score train</c> to score new leads with. The default value is null: no learned scoring.</summary>
    public string? ScoreModel { get; set; }

    /// <summary>The largest request body, in bytes (<c>MAX_BODY_BYTES</c>); a larger one is answered 413. The default value is 1048576 (1 MiB).</summary>
    public long MaxBodyBytes { get; set; } = 1 << 20;

    /// <summary>The largest CSV import body, in bytes (<c>MAX_IMPORT_BYTES</c>). The default value is 1073741824 (1 GiB).</summary>
    public long MaxImportBytes { get; set; } = 1L << 30;

    /// <summary>API requests one key may make per minute (<c>RATE_LIMIT_PER_KEY</c>); 0 turns it off. The default value is 6000.</summary>
    public int RateLimitPerKey { get; set; } = 6_000;

    /// <summary>API requests from one client address per minute, whatever the key (<c>RATE_LIMIT_PER_ADDRESS</c>); 0 turns it off. The default value is 12000.</summary>
    public int RateLimitPerAddress { get; set; } = 12_000;

    /// <summary>Posts to one public form from one client address per minute (<c>RATE_LIMIT_PER_FORM</c>); 0 turns it off. The default value is 20.</summary>
    public int RateLimitPerForm { get; set; } = 20;

    /// <summary>Whether managers may change their teams' reps' caps, besides their status (<c>MANAGERS_SET_CAPS</c>). The default value is false.</summary>
    public bool ManagersSetCaps { get; set; }

    /// <summary><c>turnstile</c> or <c>hcaptcha</c>: every public form post must pass that human check (<c>FORM_CHALLENGE</c>). The default value is null: off.</summary>
    public string? FormChallenge { get; set; }

    /// <summary>The challenge provider's secret key (<c>FORM_CHALLENGE_SECRET</c>).</summary>
    public string? FormChallengeSecret { get; set; }

    /// <summary>Where tokens are verified (<c>FORM_CHALLENGE_VERIFY_URL</c>). The default value is the provider's siteverify endpoint.</summary>
    public string? FormChallengeVerifyUrl { get; set; }

    /// <summary>
    /// The address people open the app at (<c>PUBLIC_URL</c>), for links in invitation and password
    /// emails; by default the first address the service listens on.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>OpenID Connect sign-in beside passwords (Entra ID, Google, Okta, Keycloak), when SWITCHBOARD_OIDC_AUTHORITY is set.</summary>
    public OidcSettings? Oidc { get; set; }

    public bool UsesPostgres =>
        string.Equals(DbProvider, "postgres", StringComparison.OrdinalIgnoreCase) ||
        (DbProvider is null && (Db.Contains("Host=", StringComparison.OrdinalIgnoreCase) || Db.StartsWith("postgres", StringComparison.OrdinalIgnoreCase)));

    private static bool Flag(string? value, bool fallback) => bool.TryParse(value, out var b) ? b : fallback;

    public static SwitchboardOptions From(IConfiguration config)
    {
        var o = new SwitchboardOptions();
        o.Db = config["DB"] is { Length: > 0 } db ? db : o.Db;
        o.DbProvider = config["DB_PROVIDER"] is { Length: > 0 } p ? p : null;
        o.SqliteSynchronous = config["SQLITE_SYNCHRONOUS"] is { Length: > 0 } s ? s.ToUpperInvariant() : o.SqliteSynchronous;
        o.AdminKey = config["ADMIN_KEY"] is { Length: > 0 } k ? k : null;
        if (o.AdminKey is { } key && (key.Length < MinAdminKeyLength || key.Distinct().Count() < 8))
        {
            throw new SettingsException("SWITCHBOARD_ADMIN_KEY", $"is too weak to guard everything: use at least {MinAdminKeyLength} characters, at least 8 of them different (for example the output of `openssl rand -hex 24`)");
        }

        if (config["PUBLIC_URL"] is { Length: > 0 } publicUrl)
        {
            if (!Uri.TryCreate(publicUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                throw new SettingsException("SWITCHBOARD_PUBLIC_URL", "must be an absolute http or https address, for example https://switchboard.example.com");
            }

            o.PublicUrl = publicUrl.TrimEnd('/');
        }

        o.Oidc = OidcSettings.From(config);
        o.ScoreModel = config["SCORE_MODEL"] is { Length: > 0 } model ? model : null;
        if (config["SMTP_HOST"] is { Length: > 0 } smtpHost)
        {
            o.Smtp = new SmtpSettings(
                smtpHost,
                int.TryParse(config["SMTP_PORT"], out var port) ? port : 25,
                config["SMTP_FROM"] is { Length: > 0 } from ? from : "switchboard@localhost",
                config["SMTP_USER"],
                config["SMTP_PASSWORD"],
                config["SMTP_SECURITY"] ?? "none",
                config["SMTP_EVENTS"] is { Length: > 0 } events ? [.. events.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : SmtpSettings.DefaultEvents,
                config["SMTP_TEMPLATE"] is { Length: > 0 } template ? File.ReadAllText(template) : SmtpSettings.DefaultTemplate);
        }

        o.WebhooksAllowPrivate = Flag(config["WEBHOOKS_ALLOW_PRIVATE"], false);
        o.WebhookTimeoutMilliseconds = int.TryParse(config["WEBHOOK_TIMEOUT_MS"], out var timeout) && timeout > 0 ? timeout : o.WebhookTimeoutMilliseconds;
        o.ClockMilliseconds = int.TryParse(config["CLOCK_MS"], out var ms) && ms > 0 ? ms : o.ClockMilliseconds;
        o.LeadClock = Flag(config["LEAD_CLOCK"], true);
        o.ManagersSetCaps = Flag(config["MANAGERS_SET_CAPS"], false);
        o.FormChallenge = config["FORM_CHALLENGE"] is { Length: > 0 } provider ? provider.ToLowerInvariant() : null;
        if (o.FormChallenge is { } named && !Capture.FormChallenge.Providers.ContainsKey(named))
        {
            throw new SettingsException("SWITCHBOARD_FORM_CHALLENGE", $"is '{named}'; it may be {string.Join(" or ", Capture.FormChallenge.Providers.Keys)}");
        }

        o.FormChallengeSecret = config["FORM_CHALLENGE_SECRET"] is { Length: > 0 } secret ? secret : null;
        if (o.FormChallenge is not null && o.FormChallengeSecret is null)
        {
            throw new SettingsException("SWITCHBOARD_FORM_CHALLENGE_SECRET", "is required with SWITCHBOARD_FORM_CHALLENGE: the provider's secret key");
        }

        o.FormChallengeVerifyUrl = config["FORM_CHALLENGE_VERIFY_URL"] is { Length: > 0 } verify ? verify : null;
        o.RateLimitPerKey = int.TryParse(config["RATE_LIMIT_PER_KEY"], out var perKey) && perKey >= 0 ? perKey : o.RateLimitPerKey;
        o.RateLimitPerAddress = int.TryParse(config["RATE_LIMIT_PER_ADDRESS"], out var perAddress) && perAddress >= 0 ? perAddress : o.RateLimitPerAddress;
        o.RateLimitPerForm = int.TryParse(config["RATE_LIMIT_PER_FORM"], out var perForm) && perForm >= 0 ? perForm : o.RateLimitPerForm;
        o.MaxBodyBytes = long.TryParse(config["MAX_BODY_BYTES"], out var body) && body > 0 ? body : o.MaxBodyBytes;
        o.MaxImportBytes = long.TryParse(config["MAX_IMPORT_BYTES"], out var import) && import > 0 ? import : o.MaxImportBytes;
        o.HeldRetrySeconds = int.TryParse(config["HELD_RETRY_SECONDS"], out var seconds) && seconds > 0 ? seconds : o.HeldRetrySeconds;
        o.Dedupe = new DedupeRules(
            Flag(config["DEDUPE_BY_EMAIL"], true),
            Flag(config["DEDUPE_BY_PHONE"], true),
            Flag(config["DEDUPE_BY_NAME_AT_COMPANY"], true),
            double.TryParse(config["DEDUPE_NAME_THRESHOLD"], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var t) && t is > 0 and <= 1 ? t : 0.92);
        return o;
    }
}

/// <summary>A setting that cannot be used; the service does not start, and says which and why.</summary>
public sealed class SettingsException(string setting, string reason) : Exception($"{setting} {reason}")
{
    public string Setting { get; } = setting;
}

/// <summary>
/// The OpenID provider people may sign in with: its issuer address, this service's client id and secret
/// there, the name on the sign-in button, the scopes asked for, and whether an email the provider does
/// not mark verified is trusted anyway (Entra ID sends no <c>email_verified</c>).
/// </summary>
public sealed record OidcSettings(Uri Authority, string ClientId, string? ClientSecret, string Name, string[] Scopes, bool TrustEmail)
{
    public static OidcSettings? From(IConfiguration config)
    {
        if (config["OIDC_AUTHORITY"] is not { Length: > 0 } authority)
        {
            return null;
        }

        if (!Uri.TryCreate(authority, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new SettingsException("SWITCHBOARD_OIDC_AUTHORITY", "must be the provider's absolute https address (its issuer), for example https://login.microsoftonline.com/TENANT/v2.0");
        }

        if (url.Scheme == "http" && !url.IsLoopback)
        {
            throw new SettingsException("SWITCHBOARD_OIDC_AUTHORITY", "must use https (plain http is accepted only for a provider on this machine)");
        }

        if (config["OIDC_CLIENT_ID"] is not { Length: > 0 } clientId)
        {
            throw new SettingsException("SWITCHBOARD_OIDC_CLIENT_ID", "is required with SWITCHBOARD_OIDC_AUTHORITY: the client (application) id the provider gave this service");
        }

        string[] scopes = config["OIDC_SCOPES"] is { Length: > 0 } s ? [.. s.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)] : ["openid", "profile", "email"];
        return new OidcSettings(
            url,
            clientId,
            config["OIDC_CLIENT_SECRET"] is { Length: > 0 } secret ? secret : null,
            config["OIDC_NAME"] is { Length: > 0 } name ? name : "single sign-on",
            scopes.Contains("openid") ? scopes : ["openid", .. scopes],
            bool.TryParse(config["OIDC_TRUST_EMAIL"], out var trust) && trust);
    }
}

/// <summary>Where and how rep emails go. The template's first line is the subject; <c>{type}</c>, <c>{leadId}</c>, <c>{repName}</c>, <c>{note}</c>, <c>{at}</c> are filled in.</summary>
public sealed record SmtpSettings(string Host, int Port, string From, string? User, string? Password, string Security, string[] Events, string Template)
{
    public static readonly string[] DefaultEvents = ["lead.assigned", "lead.offered", "lead.reassigned", "lead.sla_breached", "lead.reminder"];

    public const string DefaultTemplate = "[Switchboard] {type}: lead {leadId}\nHello {repName},\n\n{type} at {at}: {note}\n\nLead: {leadId}\n";
}
