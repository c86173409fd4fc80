using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Routing;
using Switchboard.Leads.Conditions;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;
using Switchboard.Storage;

namespace Switchboard.Distribution;

/// <summary>
/// Everything routing reads besides the lead — the active flow, reps with their calendars and load,
/// teams' caps and SLAs, pools' conditions, strategy state and counters — held by the process between
/// routing transactions. A routing transaction takes the snapshot only when the routing version it
/// reads under the routing lock is the one the snapshot was handed back at; any change by anyone (this
/// process, another instance, a person editing a rep) moves the version on, and the next transaction
/// reads everything afresh. So it is never stale, and a quiet database is read once.
/// </summary>
public sealed class RoutingSnapshots(FlowStore flows)
{
    private RoutingSnapshot? _idle;

    /// <summary>Reloads since start (a figure for tests and benchmarks).</summary>
    public int Loads => _loads;
    private int _loads;

    /// <summary>
    /// The snapshot for the current routing transaction: the one handed back last if the version still
    /// matches, else read from the database. Only one transaction holds it at a time; it comes back with
    /// <see cref="HandBack"/> after a commit.
    /// </summary>
    /// <remarks>
    /// On PostgreSQL, captures on several instances route at once without moving the version (see
    /// <see cref="SwitchboardDb.BeginRoutingTransactionAsync"/>): they read what they touch afresh under
    /// their own locks. A transaction holding the routing lock alone reads everything, so it also takes
    /// the snapshot only if no capture anywhere wrote routing state it has not seen: each partitioned
    /// commit draws a number from one sequence, and the snapshot knows the last one it has seen.
    /// </remarks>
    internal async Task<RoutingSnapshot> TakeAsync(SwitchboardDb db, DateTimeOffset now, CancellationToken ct)
    {
        var (version, writes) = await RoutingInputs.ReadVersionAsync(db, ct);
        var partitioned = db.RoutingTransaction?.Partitioned == true;
        var idle = Interlocked.Exchange(ref _idle, null);
        if (idle is not null && idle.Version == version && now >= idle.LoadedAt && (partitioned || idle.Writes == writes))
        {
            return idle;
        }

        Interlocked.Increment(ref _loads);
        var snapshot = await LoadAsync(db, await flows.GetAsync(db, null, ct) ?? FlowStore.Default, version, now, ct);

        // Read while other captures may be writing, the number proves nothing (the writer may not have committed).
        snapshot.Writes = partitioned ? null : writes;
        return snapshot;
    }

    /// <summary>A snapshot that is exactly the database at <paramref name="version"/> again, for the next transaction.</summary>
    internal void HandBack(RoutingSnapshot snapshot, long version)
    {
        snapshot.Version = version;
        Volatile.Write(ref _idle, snapshot);
    }

    /// <summary>Reads everything afresh (also for dry-runs of any flow, which never hand it back).</summary>
    internal static async Task<RoutingSnapshot> LoadAsync(SwitchboardDb db, CompiledFlow flow, long version, DateTimeOffset now, CancellationToken ct)
    {
        var teamRows = await db.Teams.AsNoTracking().ToListAsync(ct);
        var repRows = await db.Reps.AsNoTracking().OrderBy(r => r.Id).ToListAsync(ct);
        var holidays = await Holidays.LoadAsync(db, teamRows, ct);
        var states = await db.StrategyStates.AsNoTracking().ToDictionaryAsync(s => s.Key, s => LeadRouting.ToState(s), StringComparer.Ordinal, ct);

        var zones = RoutingSnapshot.ZonePeriods(repRows.Select(r => r.TimeZone), now);
        var keys = zones.Values.SelectMany(p => p.All).Distinct().ToArray();
        var counters = await db.RepCounters.AsNoTracking()
            .Where(c => keys.Contains(c.Period))
            .ToDictionaryAsync(c => (c.RepId, c.Period), c => c.Count, ct);

        var pools = await db.Pools.AsNoTracking().Where(p => p.Condition != null).Select(p => new { p.Id, p.Condition }).ToListAsync(ct);
        var poolConditions = pools
            .Select(p => (p.Id, Condition.Compile(p.Condition!).Condition))
            .Where(p => p.Condition is not null)
            .ToDictionary(p => p.Id, p => p.Condition!, StringComparer.Ordinal);
        var teamSlas = teamRows
            .Where(t => t.SlaJson is not null)
            .Select(t => (t.Id, SlaPolicy.Compile(JsonSerializer.Deserialize<SlaDocument>(t.SlaJson!, Json.Options)!).Policy))
            .Where(t => t.Policy is not null)
            .ToDictionary(t => t.Id, t => t.Policy!, StringComparer.Ordinal);
        var teamCaps = teamRows
            .Where(t => t.CapPerHour is not null || t.CapPerDay is not null || t.CapPerWeek is not null || t.CapPerMonth is not null)
            .ToDictionary(t => t.Id, t => new RepCaps(t.CapPerHour, t.CapPerDay, t.CapPerWeek, t.CapPerMonth), StringComparer.Ordinal);

        var snapshot = new RoutingSnapshot
        {
            Version = version,
            LoadedAt = now,
            Flow = flow,
            Reps = [.. repRows.Select(r => new RepState(r.ToEngineRep(holidays.For(r)), new RepLoad(r.OpenLeads, LastAssignedAt: r.LastAssignedAt)))],
            Counters = counters,
            States = states,
            TeamCaps = teamCaps,
            PoolConditions = poolConditions,
            TeamSlas = teamSlas,
        };
        snapshot.CountIn(zones);
        return snapshot;
    }
}

/// <summary>What <see cref="RoutingSnapshots"/> holds; a routing batch changes it as it assigns.</summary>
internal sealed class RoutingSnapshot
{
    public required long Version { get; set; }

    /// <summary>
    /// PostgreSQL: the last partitioned routing write this snapshot is known to include, every earlier
    /// one included too; null when that is not known (then a transaction holding the routing lock alone
    /// reads afresh). SQLite: always 0.
    /// </summary>
    public long? Writes { get; set; }

    public required DateTimeOffset LoadedAt { get; init; }
    public required CompiledFlow Flow { get; init; }

    /// <summary>Reps with their load in the hour/day/week/month of <see cref="Periods"/>, ordered by id.</summary>
    public required List<RepState> Reps { get; init; }

    /// <summary>Assignments per rep and period (<see cref="CapPeriods"/> keys), for the periods read and those counted since.</summary>
    public required Dictionary<(string RepId, string Period), int> Counters { get; init; }
    public required Dictionary<string, StrategyState> States { get; init; }
    public required Dictionary<string, RepCaps> TeamCaps { get; init; }
    public required Dictionary<string, Condition> PoolConditions { get; init; }
    public required Dictionary<string, SlaPolicy> TeamSlas { get; init; }

    /// <summary>Teams with caps and their members' summed load.</summary>
    public Dictionary<string, TeamState> Teams { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>The periods each time zone's loads are counted in.</summary>
    public Dictionary<string, CapPeriods> Periods { get; private set; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> Index { get; } = new(StringComparer.Ordinal);

    /// <summary>The engine's index of <see cref="Reps"/> (by id, teams' members in rotation order), built once: reps keep their places.</summary>
    public RepIndex RepIndex => _repIndex ??= new RepIndex(Reps);

    private RepIndex? _repIndex;

    /// <summary>
    /// Makes reps' and teams' loads those of <paramref name="now"/>'s hour, day, week and month — a no-op
    /// while every zone is still in the periods counted last.
    /// </summary>
    public void CountFor(DateTimeOffset now)
    {
        var zones = ZonePeriods(Reps.Select(r => r.Rep.TimeZone), now);
        if (Index.Count != Reps.Count || zones.Any(z => !Periods.TryGetValue(z.Key, out var p) || p != z.Value))
        {
            CountIn(zones);
        }
    }

    /// <summary>Each distinct time zone's hour, day, week and month at <paramref name="now"/>.</summary>
    public static Dictionary<string, CapPeriods> ZonePeriods(IEnumerable<string> timeZones, DateTimeOffset now) =>
        timeZones.Distinct().ToDictionary(z => z, z => CapPeriods.For(z, now), StringComparer.Ordinal);

    /// <summary>Sets reps' and teams' loads from the counters of <paramref name="zones"/>' periods.</summary>
    public void CountIn(Dictionary<string, CapPeriods> zones)
    {
        Periods = zones;
        int Count(string rep, string period) => Counters.TryGetValue((rep, period), out var n) ? n : 0;
        for (var i = 0; i < Reps.Count; i++)
        {
            var r = Reps[i];
            var p = zones[r.Rep.TimeZone];
            Reps[i] = r with { Load = r.Load with { AssignedThisHour = Count(r.Id, p.Hour), AssignedToday = Count(r.Id, p.Day), AssignedThisWeek = Count(r.Id, p.Week), AssignedThisMonth = Count(r.Id, p.Month) } };
            Index[r.Id] = i;
        }

        Teams = TeamCaps.ToDictionary(
            t => t.Key,
            t =>
            {
                var members = Reps.Where(r => r.Rep.TeamIds.Contains(t.Key)).Select(r => r.Load).ToList();
                return new TeamState(t.Key, t.Value, new RepLoad(
                    0, members.Sum(m => m.AssignedThisHour), members.Sum(m => m.AssignedToday), members.Sum(m => m.AssignedThisWeek), members.Sum(m => m.AssignedThisMonth)));
            },
            StringComparer.Ordinal);
    }

    /// <summary>A team's members' ids, from the rep index (reps keep their places and teams while the snapshot lives).</summary>
    public IEnumerable<string> Members(string teamId) => RepIndex.Team(teamId).Select(i => Reps[i].Id);

    /// <summary>
    /// The rep's load as just read from the database (open leads, last assignment, and the counters of
    /// the periods counted, absent ones 0), with their teams' load moved alike; returns the new load if
    /// it differs from what the snapshot held, else null.
    /// </summary>
    public RepLoad? Refresh(string repId, int openLeads, DateTimeOffset? lastAssignedAt, IReadOnlyDictionary<(string RepId, string Period), int> counters)
    {
        var i = Index[repId];
        var rep = Reps[i];
        var p = Periods[rep.Rep.TimeZone];
        int Count(string period) => counters.GetValueOrDefault((repId, period));
        var load = rep.Load with
        {
            OpenLeads = openLeads,
            LastAssignedAt = lastAssignedAt,
            AssignedThisHour = Count(p.Hour),
            AssignedToday = Count(p.Day),
            AssignedThisWeek = Count(p.Week),
            AssignedThisMonth = Count(p.Month),
        };
        if (load == rep.Load)
        {
            return null;
        }

        Reps[i] = rep with { Load = load };
        foreach (var period in p.All)
        {
            Counters[(repId, period)] = Count(period);
        }

        foreach (var teamId in rep.Rep.TeamIds)
        {
            if (Teams.TryGetValue(teamId, out var team))
            {
                var was = rep.Load;
                Teams[teamId] = team with
                {
                    Load = team.Load with
                    {
                        AssignedThisHour = team.Load.AssignedThisHour + load.AssignedThisHour - was.AssignedThisHour,
                        AssignedToday = team.Load.AssignedToday + load.AssignedToday - was.AssignedToday,
                        AssignedThisWeek = team.Load.AssignedThisWeek + load.AssignedThisWeek - was.AssignedThisWeek,
                        AssignedThisMonth = team.Load.AssignedThisMonth + load.AssignedThisMonth - was.AssignedThisMonth,
                    },
                };
            }
        }

        return load;
    }

    /// <summary>One more lead for the rep: their load, their teams' load, their counters; <paramref name="periods"/> are those counted.</summary>
    public RepState CountAssignment(string repId, DateTimeOffset now, out CapPeriods periods)
    {
        var i = Index[repId];
        var rep = Reps[i];
        Reps[i] = rep with { Load = rep.Load.AfterAssignment(now) };
        foreach (var teamId in rep.Rep.TeamIds)
        {
            if (Teams.TryGetValue(teamId, out var team))
            {
                Teams[teamId] = team with { Load = team.Load.AfterAssignment(now) };
            }
        }

        periods = CapPeriods.For(rep.Rep.TimeZone, now);
        foreach (var period in periods.All)
        {
            Counters[(repId, period)] = Counters.GetValueOrDefault((repId, period)) + 1;
        }

        return rep;
    }
}
