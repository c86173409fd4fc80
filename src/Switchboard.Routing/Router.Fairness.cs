using System.Runtime.InteropServices;
using Switchboard.Leads;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;

namespace Switchboard.Routing;

/// <summary>The fairness ledger of a rule: who is owed a share, extra turns for returning reps, the strategy's pick within them.</summary>
public static partial class Router
{
    /// <summary>
    /// Lets the strategy pick, within the rule's fairness: a returning rep under <c>catch-up</c> takes the
    /// extra turns owed first; under <c>reset</c> they wait behind the others once. Then the ledger moves:
    /// everyone present or merely away is owed their share of this lead, the winner receives one.
    /// </summary>
    private static (StrategyPick Pick, StrategyState After, string Note) PickFairly(
        CompiledRule rule, Lead lead, Field field, StrategyState before, DateTimeOffset now)
    {
        var strategy = rule.Strategy!;
        var fairness = rule.Fairness;
        var balances = Carry(before.Balances, field.Reps);
        var extra = Carry(before.ExtraTurns, field.Reps);
        var waiting = Carry(before.Waiting, field.Reps);
        List<string>? notes = null; // made only when there is something to say

        foreach (var rep in before.Absent.Count == 0 ? [] : field.Eligible.Where(r => before.Absent.Contains(r.Id, StringComparer.Ordinal)))
        {
            var balance = balances.GetValueOrDefault(rep.Id);
            switch (fairness.Mode)
            {
                case FairnessMode.CatchUp when Math.Floor(-balance + 1e-9) >= 1:
                    var turns = (int)Math.Min(fairness.CatchUpMax, Math.Floor(-balance + 1e-9));
                    extra[rep.Id] = turns;
                    (notes ??= []).Add($"{rep.Id} is back {OwedText(balance)}: {turns} extra turn(s) (fairness {fairness})");
                    break;
                case FairnessMode.Reset:
                    balances[rep.Id] = 0;
                    extra.Remove(rep.Id);
                    if (field.Eligible.Count > 1)
                    {
                        waiting[rep.Id] = field.Eligible.Count - 1;
                    }

                    (notes ??= []).Add($"{rep.Id} is back: balance cleared, behind the {field.Eligible.Count - 1} others (fairness reset)");
                    break;
                default:
                    (notes ??= []).Add($"{rep.Id} is back {OwedText(balance)} and resumes their place (fairness {fairness})");
                    break;
            }
        }

        StrategyPick pick;
        var owed = extra.Count == 0 ? null : field.Eligible.Where(r => extra.GetValueOrDefault(r.Id) > 0).OrderByDescending(r => extra[r.Id]).FirstOrDefault();
        if (owed is not null)
        {
            var left = extra[owed.Id] - 1;
            if (left > 0)
            {
                extra[owed.Id] = left;
            }
            else
            {
                extra.Remove(owed.Id);
            }

            pick = new StrategyPick(owed, before with { Pointer = owed.Id },
                fairness.Mode == FairnessMode.Reset
                    ? $"reset: {owed.Id} let the others go first and now takes their turn"
                    : $"catch-up: {owed.Id} gets an extra turn for leads missed while away ({left} more to come)");
        }
        else
        {
            List<RepState> ready = waiting.Count == 0 ? field.Eligible : [.. field.Eligible.Where(r => waiting.GetValueOrDefault(r.Id) <= 0)];
            if (ready.Count == 0)
            {
                ready = field.Eligible;
            }

            pick = strategy.Pick(new StrategyInput(lead, field.Reps, ready, before, now));
        }

        // Reset: a returning rep waits while each of the others takes a turn, then goes next.
        foreach (var id in waiting.Count == 0 ? [] : waiting.Keys.ToList())
        {
            if (id == pick.Rep.Id)
            {
                waiting.Remove(id);
            }
            else if (--waiting[id] <= 0)
            {
                waiting.Remove(id);
                extra[id] = 1;
            }
            else
            {
                (notes ??= []).Add($"{id} waits {waiting[id]} more turn(s) at the back (fairness reset)");
            }
        }

        // The ledger: each rep present or merely away is owed their share of this lead; reps at a cap or
        // filtered out by the strategy are not (they are not meant to get it).
        var owedSet = new Owed(field);
        var absent = new List<string>();
        for (var i = 0; i < field.Reps.Count; i++)
        {
            if (field.Owed[i] && field.Absent[i])
            {
                absent.Add(field.Reps[i].Id);
            }
        }

        var shares = strategy.SharesOf(owedSet);
        var total = shares?.Sum(s => Math.Max(0, s)) ?? owedSet.Count;
        for (int i = 0, k = 0; i < field.Reps.Count; i++)
        {
            if (!field.Owed[i])
            {
                continue;
            }

            var share = total > 0 ? Math.Max(0, shares?[k] ?? 1) / total : 1.0 / owedSet.Count;
            ref var balance = ref CollectionsMarshal.GetValueRefOrAddDefault(balances, field.Reps[i].Id, out _);
            balance = Math.Round(balance - share, 9);
            k++;
        }

        balances[pick.Rep.Id] = Math.Round(balances.GetValueOrDefault(pick.Rep.Id) + 1, 9);

        var after = pick.NewState with
        {
            Balances = balances,
            Absent = absent,
            ExtraTurns = extra,
            Waiting = waiting,
        };
        return (pick, after, notes is null ? "" : "; " + string.Join("; ", notes));
    }

    /// <summary>
    /// The candidates the ledger owes a share, in candidate order, for a strategy's <c>SharesOf</c>: a
    /// view over the field, whose positions are found only if the strategy reads it (equal shares never do).
    /// </summary>
    private sealed class Owed(Field candidates) : IReadOnlyList<RepState>
    {
        private int[]? _positions;

        public int Count { get; } = candidates.Owed.Count(o => o);

        public RepState this[int index] => candidates.Reps[Positions[index]];

        private int[] Positions => _positions ??= [.. Enumerable.Range(0, candidates.Owed.Length).Where(i => candidates.Owed[i])];

        public IEnumerator<RepState> GetEnumerator()
        {
            foreach (var i in Positions)
            {
                yield return candidates.Reps[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static string OwedText(double balance) =>
        balance < -0.005 ? $"owed {-balance:0.##} lead(s)" : balance > 0.005 ? $"{balance:0.##} lead(s) ahead" : "even";

    /// <summary>What <paramref name="before"/> holds for the field's reps; entries of reps no longer in it are dropped.</summary>
    private static Dictionary<string, T> Carry<T>(IReadOnlyDictionary<string, T> before, IReadOnlyList<RepState> reps)
    {
        if (before.Count == 0)
        {
            return new Dictionary<string, T>(StringComparer.Ordinal);
        }

        // Usually every entry is still a rep's: then a whole copy (which keeps the stored hashes) is it.
        var kept = 0;
        for (var i = 0; i < reps.Count; i++)
        {
            kept += before.ContainsKey(reps[i].Id) ? 1 : 0;
        }

        if (kept == before.Count)
        {
            return new Dictionary<string, T>(before, StringComparer.Ordinal);
        }

        var result = new Dictionary<string, T>(kept, StringComparer.Ordinal);
        for (var i = 0; i < reps.Count; i++)
        {
            if (before.TryGetValue(reps[i].Id, out var v))
            {
                result[reps[i].Id] = v;
            }
        }

        return result;
    }
}
