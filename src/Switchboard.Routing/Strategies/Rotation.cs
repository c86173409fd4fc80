using System.Runtime.InteropServices;
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
            if (Includes(allowed, rep.Id))
            {
                return (rep, step - 1);
            }
        }

        // A rep can be allowed without being in the order (the caller narrowed the order); take the first.
        return (allowed[0], 0);
    }

    /// <summary>Whether a rep with this id is allowed: by id, not by comparing whole rep records, once per step of the rotation.</summary>
    private static bool Includes(IReadOnlyList<RepState> allowed, string id)
    {
        for (var i = 0; i < allowed.Count; i++)
        {
            if (string.Equals(allowed[i].Id, id, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Weighted rotation that keeps every prefix of the sequence within ±1 of each rep's ideal share.
    /// Credits are the nginx smooth-weighted ones (each turn every eligible rep earns its weight, the
    /// winner pays back the total), so a rep's credit is total × (ideal share so far − leads received).
    /// The winner is chosen as in Tijdeman's chairman assignment: among reps owed at least δ = 1/(2n−2)
    /// of a lead, the one whose debt would first reach 1 − δ. The plain "richest wins" rule of nginx can
    /// drift past ±1 (e.g. weights 4,10,10,1,10,1,1,1 after 23 leads); this one provably cannot.
    /// Reps not eligible neither earn nor pay; credits of reps no longer among the candidates are dropped.
    /// </summary>
    public static (RepState Rep, Dictionary<string, long> Credits, long WinnerCredit, long Total) SmoothWeighted(
        IReadOnlyList<RepState> candidates, IReadOnlyList<RepState> eligible, IReadOnlyDictionary<string, long> before, Func<RepState, long> weightOf)
    {
        var weights = new long[eligible.Count];
        for (var i = 0; i < eligible.Count; i++)
        {
            weights[i] = weightOf(eligible[i]);
        }

        return SmoothWeighted(candidates, eligible, before, weights);
    }

    /// <summary>The same, with each eligible rep's weight given by position (a strategy that computes them once).</summary>
    public static (RepState Rep, Dictionary<string, long> Credits, long WinnerCredit, long Total) SmoothWeighted(
        IReadOnlyList<RepState> candidates, IReadOnlyList<RepState> eligible, IReadOnlyDictionary<string, long> before, long[] weights)
    {
        // Each eligible rep's credit after earning this turn, by position, written straight into a copy of
        // the credits before: one look-up per eligible rep (copying a dictionary keeps its stored hashes).
        var credits = new Dictionary<string, long>(before, StringComparer.Ordinal);

        var earned = new long[eligible.Count];
        long total = 0;
        for (var i = 0; i < eligible.Count; i++)
        {
            weights[i] = Math.Max(1, weights[i]);
            total += weights[i];
            ref var credit = ref CollectionsMarshal.GetValueRefOrAddDefault(credits, eligible[i].Id, out _);
            credit += weights[i];
            earned[i] = credit;
        }

        // Owed at least δ: credit × (2n − 2) ≥ total. Due first: least (total × (2n − 3) − credit × (2n − 2)) / weight.
        var twoNMinus2 = Math.Max(1, (2 * eligible.Count) - 2);
        var best = -1;
        Int128 bestSlack = 0, bestWeight = 1;
        for (var i = 0; i < eligible.Count; i++)
        {
            var credit = (Int128)earned[i];
            if (eligible.Count > 1 && credit * twoNMinus2 < total)
            {
                continue;
            }

            var slack = ((Int128)total * (twoNMinus2 - 1)) - (credit * twoNMinus2);
            var weight = (Int128)weights[i];
            if (best < 0 || slack * bestWeight < bestSlack * weight)
            {
                (best, bestSlack, bestWeight) = (i, slack, weight);
            }
        }

        // Credits sum to the total over the eligible, so someone is always owed δ; keep a pick regardless.
        if (best < 0)
        {
            best = 0;
            for (var i = 1; i < eligible.Count; i++)
            {
                best = earned[i] > earned[best] ? i : best;
            }
        }

        var winnerCredit = earned[best];
        credits[eligible[best].Id] = earned[best] -= total;

        // The credits kept are the candidates': reps that left the team are dropped, new ones start at 0.
        if (!KeysAreExactly(credits, candidates, eligible))
        {
            var kept = new Dictionary<string, long>(candidates.Count, StringComparer.Ordinal);
            foreach (var candidate in candidates)
            {
                kept[candidate.Id] = credits.TryGetValue(candidate.Id, out var v) ? v : 0;
            }

            credits = kept;
        }

        return (eligible[best], credits, winnerCredit, total);
    }

    /// <summary>
    /// Whether the credits' keys are the candidates' ids, no more and no fewer. The eligible are keys
    /// already; they come in candidate order, so only the others are looked up (with a full check if not).
    /// </summary>
    private static bool KeysAreExactly(Dictionary<string, long> credits, IReadOnlyList<RepState> candidates, IReadOnlyList<RepState> eligible)
    {
        if (credits.Count != candidates.Count)
        {
            return false;
        }

        var next = 0;
        foreach (var candidate in candidates)
        {
            if (next < eligible.Count && ReferenceEquals(candidate, eligible[next]))
            {
                next++;
            }
            else if (!credits.ContainsKey(candidate.Id))
            {
                return false;
            }
        }

        // Distinct candidates, each a key, as many as the keys: the same set.
        return true;
    }
}
