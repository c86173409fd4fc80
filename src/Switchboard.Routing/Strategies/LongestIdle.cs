using System.Globalization;
using Switchboard.Routing.Model;

namespace Switchboard.Routing.Strategies;

/// <summary>
/// Orders reps by how long they have waited since their last assignment (never assigned counts as
/// longest), then by a stable hash of lead and rep id, so creation order never decides a tie.
/// Shared by the strategies that prefer the rep who waited longest.
/// </summary>
internal sealed class LongestIdle(string leadId) : IComparer<RepState>
{
    public int Compare(RepState? x, RepState? y)
    {
        var byIdle = (x!.Load.LastAssignedAt ?? DateTimeOffset.MinValue).CompareTo(y!.Load.LastAssignedAt ?? DateTimeOffset.MinValue);
        return byIdle != 0 ? byIdle : StableHash.Of(leadId, x.Id).CompareTo(StableHash.Of(leadId, y.Id));
    }

    public static string Describe(RepState rep) =>
        rep.Load.LastAssignedAt is { } last ? "idle since " + last.ToString("u", CultureInfo.InvariantCulture) : "never assigned";
}

/// <summary>A hash of two strings that is the same in every run and process, unlike string.GetHashCode.</summary>
internal static class StableHash
{
    public static uint Of(string a, string b)
    {
        var hash = 2166136261u; // FNV-1a
        foreach (var c in a)
        {
            hash = (hash ^ c) * 16777619u;
        }

        hash = (hash ^ '|') * 16777619u;
        foreach (var c in b)
        {
            hash = (hash ^ c) * 16777619u;
        }

        // FNV alone barely mixes ids that differ in their last characters (lead-1, lead-2);
        // murmur3's finalizer spreads them so ties split evenly.
        hash ^= hash >> 16;
        hash *= 0x85ebca6b;
        hash ^= hash >> 13;
        hash *= 0xc2b2ae35;
        hash ^= hash >> 16;
        return hash;
    }
}
