using Switchboard.Routing.Model;

namespace Switchboard.Routing;

/// <summary>
/// Reps by id, and each team's members in id order (the rotation order), as positions in one list of
/// reps. Built once per list — the host builds it once per routing snapshot — so a decision neither
/// hashes every rep nor scans and sorts a team; valid while the list keeps the same reps in the same
/// places (their loads may change).
/// </summary>
public sealed class RepIndex
{
    private readonly Dictionary<string, int> _byId;
    private readonly Dictionary<string, int[]> _teams;

    public RepIndex(IReadOnlyList<RepState> reps)
    {
        _byId = new Dictionary<string, int>(reps.Count, StringComparer.Ordinal);
        var teams = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < reps.Count; i++)
        {
            _byId[reps[i].Id] = i;
            foreach (var team in reps[i].Rep.TeamIds)
            {
                (teams.TryGetValue(team, out var members) ? members : teams[team] = []).Add(i);
            }
        }

        _teams = teams.ToDictionary(
            t => t.Key,
            t => t.Value.OrderBy(i => reps[i].Id, StringComparer.Ordinal).ToArray(),
            StringComparer.Ordinal);
    }

    /// <summary>How many reps the list held when the index was built.</summary>
    public int Count => _byId.Count;

    internal bool TryGet(IReadOnlyList<RepState> reps, string id, out RepState rep)
    {
        var found = _byId.TryGetValue(id, out var i);
        rep = found ? reps[i] : null!;
        return found;
    }

    /// <summary>A team's members as positions in the list, in rotation (id) order; none for an unknown team.</summary>
    public IReadOnlyList<int> Team(string teamId) => _teams.TryGetValue(teamId, out var members) ? members : [];
}
