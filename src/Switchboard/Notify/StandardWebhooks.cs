using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Notify;

/// <summary>Signing as Standard Webhooks does it, and the guard against sending to private addresses (SSRF).</summary>
public static class StandardWebhooks
{
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary><c>v1,</c> + base64 HMAC-SHA256 of <c>{id}.{timestamp}.{body}</c> with the secret's key.</summary>
    public static string Sign(string secret, string id, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret["whsec_".Length..] : secret);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(mac);
    }

    /// <summary>Why a URL may not be a webhook target (not http(s), or a loopback/private/link-local address), or null.</summary>
    public static async Task<string?> RefuseAsync(string url, bool allowPrivate, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return "an absolute http or https URL is required";
        }

        if (allowPrivate)
        {
            return null;
        }

        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.Host, ct);
        }
        catch (SocketException e)
        {
            return $"{uri.Host} does not resolve ({e.SocketErrorCode})";
        }

        return addresses.FirstOrDefault(IsPrivate) is { } hit
            ? $"{uri.Host} is a loopback or private address ({hit}); set SWITCHBOARD_WEBHOOKS_ALLOW_PRIVATE=true to allow it"
            : null;
    }

    private static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ||
            address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal)
        {
            return true;
        }

        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }

        var b = address.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168) ||
               (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) || b[0] == 0;
    }
}
