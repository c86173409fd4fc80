using System.Security.Cryptography;
using System.Text;

namespace Switchboard;

/// <summary>SHA-256 of text as lower-case hex: how keys, request bodies and erased people's identifiers are kept.</summary>
public static class Sha256
{
    public static string Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
