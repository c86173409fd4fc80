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

    private sealed record Field(List<RepState> Reps, List<CandidateTrace> Trace, List<RepState> Eligible, HashSet<string> Owed, HashSet<string> Absent);

    private static Field Candidates(
        Target target, Reps byId, DateTimeOffset now, Func<RepState, string?>? filter, string? teamBlock)
    {
        var members = target.Kind == TargetKind.Team ? byId.Index.Team(target.TeamId!) : [];
        var size = target.Kind == TargetKind.Team ? members.Count : target.RepIds!.Count;
        var candidates = new List<RepState>(size);
        var trace = new List<CandidateTrace>(size);
        if (target.Kind == TargetKind.Team)
        {
            // Team members in id order: a stable rotation order that does not depend on creation order.
            foreach (var i in members)
            {
                candidates.Add(byId.List[i]);
            }
        }
        else
        {
            foreach (var id in target.RepIds!)
            {
                if (byId.TryGetValue(id, out var rep))
                {
                    candidates.Add(rep);
                }
                else
                {
                    trace.Add(new CandidateTrace(id, false, ["unknown rep"]));
                }
            }
        }

        var eligible = new List<RepState>(candidates.Count);
        var owed = new HashSet<string>(StringComparer.Ordinal);
        var absent = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rep in candidates)
        {
            var check = Eligibility.Check(rep, now);
            var mismatch = filter?.Invoke(rep);
            var reasons = check.Reasons;
            if (mismatch is not null || teamBlock is not null)
            {
                reasons = [.. reasons, .. new[] { teamBlock, mismatch }.OfType<string>()];
            }

            trace.Add(new CandidateTrace(rep.Id, reasons.Count == 0, reasons));
            if (reasons.Count == 0)
            {
                eligible.Add(rep);
            }

            if (mismatch is null && rep.Rep.Active && !check.AtCap && (reasons.Count == 0 || check.Absent))
            {
                owed.Add(rep.Id);
                if (check.Absent)
                {
                    absent.Add(rep.Id);
                }
            }
        }

        return new Field(candidates, trace, eligible, owed, absent);
    }

    private static string NobodyEligible(Target target, List<CandidateTrace> trace)
    {
        if (trace.Count == 0)
        {
            return $"{target} has no reps";
        }

        var details = string.Join("; ", trace.Select(c => $"{c.RepId}: {string.Join(", ", c.Reasons)}"));
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
