using Switchboard.Routing.Model;

namespace Switchboard.Routing.Strategies;

/// <summary>The two ways of taking turns that several strategies share.</summary>
internal static class Rotation
{
    /// <summary>
    /// Plain rotation: the first rep in <paramref name="order"/> after <paramref name="pointer"/> (the last
    /// one served) that is in <paramref name="allowed"/>. Returns the rep and how many were skipped.
    /// </summary>
    public static (RepState Rep, int Skipped) NextAfter(IReadOnlyList<RepState> order, IReadOnlyList<RepState> allowed, string? pointer)
    {
        var last = -1;
        if (pointer is not null)
        {
            for (var i = 0; i < order.Count; i++)
            {
                if (order[i].Id == pointer)
                {
                    last = i;
                    break;
                }
            }
        }

        for (var step = 1; step <= order.Count; step++)
        {
            var rep = order[(last + step) % order.Count];
            if (allowed.Contains(rep))
            {
                return (rep, step - 1);
            }
        }

        // A rep can be allowed without being in the order (the caller narrowed the order); take the first.
        return (allowed[0], 0);
    }

    /// <summary>
    /// Smooth weighted rotation (the nginx algorithm): each turn every eligible rep earns its weight in
    /// credit, the richest wins (first in order on a tie) and pays back the total. Every prefix of the
    /// sequence stays within ±1 of each rep's ideal share. Reps not eligible neither earn nor pay.
    /// Credits of reps no longer among the candidates are dropped.
    /// </summary>
    public static (RepState Rep, Dictionary<string, long> Credits, long WinnerCredit, long Total) SmoothWeighted(
        IReadOnlyList<RepState> candidates, IReadOnlyList<RepState> eligible, IReadOnlyDictionary<string, long> before, Func<RepState, long> weightOf)
    {
        var credits = new Dictionary<string, long>(candidates.Count, StringComparer.Ordinal);
        foreach (var c in candidates)
        {
            credits[c.Id] = before.TryGetValue(c.Id, out var v) ? v : 0;
        }

        long total = 0;
        RepState? best = null;
        foreach (var rep in eligible)
        {
            var weight = Math.Max(1, weightOf(rep));
            total += weight;
            credits[rep.Id] = (credits.TryGetValue(rep.Id, out var c) ? c : 0) + weight;
            if (best is null || credits[rep.Id] > credits[best.Id])
            {
                best = rep;
            }
        }

        var winnerCredit = credits[best!.Id];
        credits[best.Id] -= total;
        return (best, credits, winnerCredit, total);
    }
}
