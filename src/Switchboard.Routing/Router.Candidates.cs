using Switchboard.Leads;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;

namespace Switchboard.Routing;

/// <summary>Candidate building: the reps a target names, who of them may take this lead and why not, as the trace shows them.</summary>
public static partial class Router
{
    /// <summary>The reps a target names, who of them may take this lead, and who the fairness ledger owes a share.</summary>
    /// <summary>The reps of one decision with their index.</summary>
    private readonly record struct Reps(IReadOnlyList<RepState> List, RepIndex Index)
    {
        public bool TryGetValue(string id, out RepState rep) => Index.TryGet(List, id, out rep);
    }

    /// <summary>
    /// The candidates of one rule, with who may take the lead (<c>Eligible</c>) and, by position in
    /// <c>Reps</c>, whom the fairness ledger owes a share and who of those is merely away.
    /// </summary>
    private sealed record Field(IReadOnlyList<RepState> Reps, CandidateTraces Trace, List<RepState> Eligible, bool[] Owed, bool[] Absent);

    /// <summary>A team's members as the decision's reps, by their positions in the index (no copy per decision).</summary>
    private sealed class Members(IReadOnlyList<RepState> reps, IReadOnlyList<int> positions) : IReadOnlyList<RepState>
    {
        public int Count => positions.Count;

        public RepState this[int index] => reps[positions[index]];

        public IEnumerator<RepState> GetEnumerator()
        {
            for (var i = 0; i < positions.Count; i++)
            {
                yield return reps[positions[i]];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static Field Candidates(
        Target target, Reps byId, DateTimeOffset now, Func<RepState, string?>? filter, string? teamBlock)
    {
        IReadOnlyList<RepState> candidates;
        List<CandidateTrace>? unknown = null;
        if (target.Kind == TargetKind.Team)
        {
            // Team members in id order: a stable rotation order that does not depend on creation order.
            candidates = new Members(byId.List, byId.Index.Team(target.TeamId!));
        }
        else
        {
            var named = new List<RepState>(target.RepIds!.Count);
            foreach (var id in target.RepIds!)
            {
                if (byId.TryGetValue(id, out var rep))
                {
                    named.Add(rep);
                }
                else
                {
                    (unknown ??= []).Add(new CandidateTrace(id, false, ["unknown rep"]));
                }
            }

            candidates = named;
        }

        var eligible = new List<RepState>(candidates.Count);
        var mismatches = filter is null ? null : new string?[candidates.Count];
        var excluded = new bool[candidates.Count];
        var owed = new bool[candidates.Count];
        var absent = new bool[candidates.Count];
        for (var i = 0; i < candidates.Count; i++)
        {
            var rep = candidates[i];
            var check = Eligibility.Classify(rep, now);
            var mismatch = filter?.Invoke(rep);
            if (mismatches is not null)
            {
                mismatches[i] = mismatch;
            }

            excluded[i] = check.Count > 0 || mismatch is not null || teamBlock is not null;
            if (!excluded[i])
            {
                eligible.Add(rep);
            }

            if (mismatch is null && rep.Rep.Active && !check.AtCap && (!excluded[i] || check.Absent))
            {
                owed[i] = true;
                absent[i] = check.Absent;
            }
        }

        return new Field(candidates, new CandidateTraces(unknown ?? [], candidates, excluded, mismatches, teamBlock, now), eligible, owed, absent);
    }

    /// <summary>
    /// The trace of a rule's candidates, each made when it is read (a stored or shown trace reads them
    /// once; a replay of a million leads never does): the names the target lists that are no reps, then
    /// each candidate, eligible or with its reasons — the rep's own (<see cref="Eligibility.Check"/> at
    /// the decision's moment), the team's cap, the strategy's filter.
    /// </summary>
    private sealed class CandidateTraces(
        IReadOnlyList<CandidateTrace> unknown, IReadOnlyList<RepState> reps, bool[] excluded, string?[]? mismatches, string? teamBlock, DateTimeOffset now) : IReadOnlyList<CandidateTrace>
    {
        public int Count => unknown.Count + reps.Count;

        public CandidateTrace this[int index] => index < unknown.Count ? unknown[index] : Candidate(index - unknown.Count);

        /// <summary>Entry <paramref name="index"/>'s rep and reasons as one text, without a list where there is only one reason.</summary>
        public (string RepId, string Why) Why(int index)
        {
            if (index < unknown.Count)
            {
                return (unknown[index].RepId, string.Join(", ", unknown[index].Reasons));
            }

            var i = index - unknown.Count;
            var own = excluded[i] ? Eligibility.Check(reps[i], now).Reasons : [];
            var mismatch = mismatches?[i];
            return (reps[i].Id, (own.Count, teamBlock, mismatch) switch
            {
                (0, null, { } only) => only,
                (0, { } only, null) => only,
                (1, null, null) => own[0],
                _ => string.Join(", ", own.Append(teamBlock).Append(mismatch).OfType<string>()),
            });
        }

        private CandidateTrace Candidate(int i)
        {
            if (!excluded[i])
            {
                return new CandidateTrace(reps[i].Id, true, []);
            }

            var reasons = new List<string>(Eligibility.Check(reps[i], now).Reasons);
            if (teamBlock is not null)
            {
                reasons.Add(teamBlock);
            }

            if (mismatches?[i] is { } mismatch)
            {
                reasons.Add(mismatch);
            }

            return new CandidateTrace(reps[i].Id, false, reasons);
        }

        public IEnumerator<CandidateTrace> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// Why nobody of a target may take the lead, for a person: reps with the same reasons together, in
    /// the order first met, three named and the rest counted ("a, b, c and 97 more: away"). The trace
    /// still lists every candidate with their reasons.
    /// </summary>
    private static string NobodyEligible(Target target, IReadOnlyList<CandidateTrace> trace)
    {
        if (trace.Count == 0)
        {
            return $"{target} has no reps";
        }

        // A team has a few distinct reasons and many reps: a short list, matched by reference first (a
        // strategy's reason is one string per kind of rep) and by text after.
        var groups = new List<(string Why, List<string> Named, int Count)>();
        for (var i = 0; i < trace.Count; i++)
        {
            var (repId, why) = trace is CandidateTraces traces ? traces.Why(i) : (trace[i].RepId, string.Join(", ", trace[i].Reasons));
            var g = 0;
            while (g < groups.Count && !ReferenceEquals(groups[g].Why, why) && !string.Equals(groups[g].Why, why, StringComparison.Ordinal))
            {
                g++;
            }

            if (g == groups.Count)
            {
                groups.Add((why, [], 0));
            }

            var (w, named, count) = groups[g];
            if (named.Count < 3)
            {
                named.Add(repId);
            }

            groups[g] = (w, named, count + 1);
        }

        var details = string.Join("; ", groups.Select(g =>
            string.Join(", ", g.Named) + (g.Count > g.Named.Count ? $" and {g.Count - g.Named.Count} more" : "") + ": " + g.Why));
        return $"no eligible rep among {trace.Count} in {target} ({details})";
    }

    /// <summary>Reps who passed the lead on (declined, let an offer expire, breached its SLA, lost it to a reassignment) do not get it again.</summary>
    private static Func<RepState, string?>? ExcludingDecliners(Lead lead, Func<RepState, string?>? filter)
    {
        if (lead.ExcludedRepIds.Count == 0)
        {
            return filter;
        }

        return rep => lead.ExcludedRepIds.Contains(rep.Id, StringComparer.Ordinal)
            ? lead.ExclusionReasons?.GetValueOrDefault(rep.Id) ?? "passed this lead on before"
            : filter?.Invoke(rep);
    }
}
