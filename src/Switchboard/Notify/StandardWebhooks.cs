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

    /// <summary>Why a URL may not be a webhook target (not http(s), or an address that is not public), or null.</summary>
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
            addresses = await ResolveAsync(uri.Host, ct);
        }
        catch (SocketException e)
        {
            return $"{uri.Host} does not resolve ({e.SocketErrorCode})";
        }

        foreach (var address in addresses)
        {
            if (NotPublic(address) is { } range)
            {
                return $"{uri.Host} is a loopback or private address ({address}: {range}); set SWITCHBOARD_WEBHOOKS_ALLOW_PRIVATE=true to allow it";
            }
        }

        return null;
    }

    /// <summary>
    /// The webhook client's connection: the host is resolved again at connect time and only public
    /// addresses are dialled, so a name that pointed somewhere public when subscribed and now points
    /// inside (DNS rebinding) reaches nothing.
    /// </summary>
    public static SocketsHttpHandler Handler(bool allowPrivate) => new()
    {
        AllowAutoRedirect = false, // a redirect could lead to a private address
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = await ResolveAsync(host, ct);
            var allowed = allowPrivate ? addresses : [.. addresses.Where(a => NotPublic(a) is null)];
            if (allowed.Length == 0)
            {
                throw new HttpRequestException($"refused: {host} resolves only to addresses that are not public ({string.Join(", ", addresses.Select(a => a.ToString()))})");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);

    /// <summary>
    /// Which special-purpose range an address is in (IANA's IPv4 and IPv6 special-purpose registries:
    /// loopback, private, shared, link-local, documentation, benchmarking, multicast, broadcast,
    /// reserved, and the transition forms that embed or tunnel to another address), or null for a
    /// global unicast address.
    /// </summary>
    public static string? NotPublic(IPAddress address)
    {
        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return NotPublicV4(b);
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "not an internet address";
        }

        bool Starts(params byte[] prefix) => b.AsSpan().StartsWith(prefix);
        if (b.AsSpan(0, 10).IndexOfAnyExcept((byte)0) < 0)
        {
            // ::/96 (unspecified, loopback, IPv4-compatible) and ::ffff:0:0/96 (IPv4-mapped).
            if (b[10] == 0xff && b[11] == 0xff)
            {
                return NotPublicV4(b[12..]) is { } mapped ? $"IPv4-mapped, {mapped}" : null;
            }

            return b.AsSpan(10).IndexOfAnyExcept((byte)0) < 0 ? "unspecified"
                : address.Equals(IPAddress.IPv6Loopback) ? "loopback"
                : "IPv4-compatible (deprecated)";
        }

        if (Starts(0x00, 0x64, 0xff, 0x9b))
        {
            // 64:ff9b::/96 NAT64 reaches the IPv4 address it embeds; 64:ff9b:1::/48 is for local use.
            return b[4] == 0 && b[5] == 1 ? "local-use NAT64"
                : NotPublicV4(b[12..]) is { } embedded ? $"NAT64 of {embedded}" : null;
        }

        if (Starts(0x20, 0x02))
        {
            return NotPublicV4(b[2..6]) is { } embedded ? $"6to4 of {embedded}" : null;
        }

        return (b[0] & 0xe0) != 0x20 ? b[0] == 0xff ? "multicast" : b[0] is 0xfc or 0xfd ? "unique local" : (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ? "link-local" : (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) ? "site-local" : "not global unicast"
            : Starts(0x20, 0x01, 0x0d, 0xb8) || (Starts(0x3f, 0xff) && (b[2] & 0xf0) == 0) ? "documentation"
            : Starts(0x20, 0x01) && b[2] == 0 && b[3] == 0 ? "Teredo"
            : Starts(0x20, 0x01) && (b[2] & 0xfe) == 0 ? "IETF protocol assignments"
            : null;
    }

    private static string? NotPublicV4(byte[] b) => b switch
    {
        [0, ..] => "this network",
        [10, ..] => "private",
        [100, >= 64 and <= 127, ..] => "shared address space",
        [127, ..] => "loopback",
        [169, 254, ..] => "link-local",
        [172, >= 16 and <= 31, ..] => "private",
        [192, 0, 0, ..] => "IETF protocol assignments",
        [192, 0, 2, ..] or [198, 51, 100, ..] or [203, 0, 113, ..] => "documentation",
        [192, 88, 99, ..] => "6to4 relay",
        [192, 168, ..] => "private",
        [198, 18 or 19, ..] => "benchmarking",
        [255, 255, 255, 255] => "broadcast",
        [>= 224 and <= 239, ..] => "multicast",
        [>= 240, ..] => "reserved",
        _ => null,
    };
}
