using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Switchboard.Capture;

/// <summary>
/// Lead ids: UUID version 7 (RFC 9562) with a 12-bit counter after the millisecond (its method 1), so
/// ids made by this process sort, as text and as bytes, in the order the leads were created — also
/// within one millisecond, where stored timestamps (0.1 ms on SQLite) cannot tell them apart.
/// </summary>
public static class LeadIds
{
    private static readonly Lock Gate = new();
    private static long _lastMs;
    private static int _counter;

    public static string Next(DateTimeOffset at)
    {
        long ms;
        int counter;
        lock (Gate)
        {
            ms = Math.Max(at.ToUnixTimeMilliseconds(), _lastMs);
            if (ms == _lastMs)
            {
                if (++_counter > 0xFFF)
                {
                    ms = ++_lastMs; // the counter ran out within this millisecond: borrow the next one
                    _counter = 0;
                }
            }
            else
            {
                _lastMs = ms;
                _counter = 0;
            }

            counter = _counter;
        }

        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes[8..]);
        BinaryPrimitives.WriteInt64BigEndian(bytes, (ms << 16) | 0x7000L | (uint)counter);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // the RFC 9562 variant
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
