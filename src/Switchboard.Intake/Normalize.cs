using System.Globalization;
using System.Text;
using PhoneNumbers;

namespace Switchboard.Intake;

/// <summary>
/// Cleans what people type into forms and CRMs so that one person looks the same however they wrote
/// themselves down. Every function is idempotent: normalizing a normalized value changes nothing.
/// </summary>
public static class Normalize
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>Lower case, no spaces, full-width and other compatibility characters folded (NFKC).</summary>
    public static string? Email(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var s = Fold(raw).ToLowerInvariant();
        if (s.StartsWith("mailto:", StringComparison.Ordinal))
        {
            s = s["mailto:".Length..];
        }

        s = new string([.. s.Where(c => !char.IsWhiteSpace(c) && c != '<' && c != '>')]);
        s = Fold(s);
        return s.Length == 0 ? null : s;
    }

    /// <summary>The domain of an email address, or null.</summary>
    public static string? EmailDomain(string? email)
    {
        var e = Email(email);
        var at = e?.LastIndexOf('@') ?? -1;
        return at >= 0 && at < e!.Length - 1 ? Domain(e[(at + 1)..]) : null;
    }

    /// <summary>
    /// E.164 (<c>+4930123456</c>) when the number is possible for the lead's country (or carries its own
    /// <c>+</c> prefix); otherwise the digits as typed, so nothing is lost.
    /// </summary>
    public static string? Phone(string? raw, string? countryIso2)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        // Parse the digits only (and a leading +), so the fallback is exactly what was parsed and a
        // second pass gives the same answer.
        var s = Fold(raw).Trim();
        var digits = new string([.. s.Where(char.IsAsciiDigit)]);
        if (digits.Length == 0)
        {
            return null;
        }

        var cleaned = s.StartsWith('+') ? "+" + digits : digits;
        try
        {
            var region = countryIso2 is { Length: 2 } ? countryIso2.ToUpperInvariant() : "ZZ";
            var number = Phones.Parse(cleaned, region);
            if (Phones.IsPossibleNumber(number))
            {
                // Only when the E.164 form reads back as itself: for some malformed input libphonenumber
                // keeps a trunk 0 that a second pass would drop.
                var e164 = Phones.Format(number, PhoneNumberFormat.E164);
                var again = Phones.Parse(e164, region);
                if (Phones.IsPossibleNumber(again) && Phones.Format(again, PhoneNumberFormat.E164) == e164)
                {
                    return e164;
                }
            }
        }
        catch (NumberParseException)
        {
            // Not a number libphonenumber understands for this country: keep the digits.
        }

        return cleaned;
    }

    /// <summary>A company domain from a website or bare domain: lower case, no scheme, path or <c>www.</c>.</summary>
    public static string? Domain(string? raw)
    {
        // Kept only when it reads back as itself (IP addresses, odd IDN labels and the like do not).
        var host = DomainOnce(raw);
        return host is not null && DomainOnce(host) == host ? host : null;
    }

    private static string? DomainOnce(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var s = Fold(raw).Trim().ToLowerInvariant();
        if (!s.Contains("://", StringComparison.Ordinal))
        {
            s = "http://" + s;
        }

        if (!Uri.TryCreate(s, UriKind.Absolute, out var uri) || uri.HostNameType != UriHostNameType.Dns)
        {
            return null;
        }

        string host;
        try
        {
            host = uri.IdnHost.ToLowerInvariant().TrimEnd('.');
        }
        catch (UriFormatException)
        {
            return null;
        }

        while (host.StartsWith("www.", StringComparison.Ordinal))
        {
            host = host[4..];
        }

        return host.Contains('.', StringComparison.Ordinal) && host.Any(char.IsAsciiLetter) ? host : null;
    }

    /// <summary>The company domain a lead's email says, unless it is a free-mail provider.</summary>
    public static string? CompanyDomainFromEmail(string? email) =>
        EmailDomain(email) is { } d && !FreeMail.Contains(d) ? d : null;

    /// <summary>ISO 3166 alpha-2 from a code (DE, DEU) or a name (Germany, Deutschland, USA); unknown text is kept.</summary>
    public static string? Country(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var trimmed = Collapse(Fold(raw));
        return Countries.Find(trimmed) ?? trimmed;
    }

    /// <summary>Trimmed, single-spaced; names typed all in lower or upper case get capitals (JOHN → John).</summary>
    public static string? PersonName(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        // Word by word, so "JOHN smith" becomes "John Smith" while "McDonald" stays as typed.
        return string.Join(' ', Collapse(Fold(raw)).Split(' ').Select(word =>
        {
            var letters = word.Where(char.IsLetter).ToList();
            var oneCase = letters.Count > 0 && (letters.All(char.IsLower) || letters.All(char.IsUpper));
            return oneCase ? CultureInfo.InvariantCulture.TextInfo.ToTitleCase(word.ToLowerInvariant()) : word;
        }));
    }

    /// <summary>Trimmed and single-spaced; casing is the company's own business.</summary>
    public static string? Text(string? raw) => string.IsNullOrWhiteSpace(raw) ? null : Collapse(Fold(raw));

    /// <summary>A key for comparing company names: lower case, letters and digits only, legal forms dropped.</summary>
    public static string? CompanyKey(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var plain = new string([.. RemoveDiacritics(Fold(name).ToLowerInvariant()).Select(c => char.IsLetterOrDigit(c) ? c : ' ')]);
        var words = plain.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !LegalForms.Contains(w));
        var key = string.Join(' ', words);
        return key.Length == 0 ? null : key;
    }

    /// <summary>Providers whose domain says nothing about the company.</summary>
    public static readonly IReadOnlySet<string> FreeMail = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "hotmail.com", "hotmail.co.uk",
        "outlook.com", "live.com", "msn.com", "icloud.com", "me.com", "mac.com", "aol.com", "gmx.de", "gmx.net", "gmx.at",
        "web.de", "proton.me", "protonmail.com", "mail.ru", "yandex.ru", "qq.com", "163.com", "126.com", "t-online.de",
        "orange.fr", "free.fr", "libero.it", "zoho.com", "rediffmail.com", "mail.com", "fastmail.com",
    };

    private static readonly HashSet<string> LegalForms = new(StringComparer.Ordinal)
    {
        "inc", "incorporated", "llc", "ltd", "limited", "gmbh", "ag", "co", "corp", "corporation", "company", "plc", "sa",
        "sas", "sarl", "bv", "nv", "oy", "ab", "as", "spa", "srl", "kg", "pty", "the",
    };

    /// <summary>NFKC: full-width letters, ligatures and the like become their plain forms.</summary>
    private static string Fold(string s) => s.IsNormalized(NormalizationForm.FormKC) ? s : s.Normalize(NormalizationForm.FormKC);

    private static string Collapse(string s) => string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    internal static string RemoveDiacritics(string s)
    {
        var decomposed = s.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(c);
            }
        }

        return sb.ToString().Normalize(NormalizationForm.FormC);
    }
}
