using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Leads;
using Switchboard.Routing;
using Switchboard.Leads.Conditions;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Lifecycle;
using Switchboard.Routing.Model;
using Switchboard.Routing.Strategies;
using Switchboard.Storage;
using Switchboard.Views;

namespace Switchboard.Distribution;

/// <summary>
/// The host's side of routing: takes what the pure engine needs from the routing snapshot (reps with
/// load and calendars, teams' counters, strategy state), adds the lead's account and history where the
/// flow needs them, asks the engine for a decision, and writes the outcome. Callers hold the routing
/// transaction; its commit writes the batch's counters and strategy state.
/// </summary>
public sealed class LeadRouting(FlowStore flows, RoutingSnapshots snapshots, ILogger<LeadRouting> log)
{
    /// <summary>Stores a decision with its whole trace, as the API shows it (the trace is read back whole).</summary>
    public static void Record(SwitchboardDb db, string leadId, RoutingDecision decision, DateTimeOffset now)
    {
        var view = DecisionView.From(decision);
        db.Decisions.Add(new DecisionRow
        {
            LeadId = leadId,
            FlowVersion = decision.FlowVersion,
            Kind = view.Kind,
            Rule = decision.Rule,
            RepId = decision.RepId,
            PoolId = decision.PoolId,
            TraceJson = JsonSerializer.Serialize(view, Json.Options),
            At = now,
            Summary = (view.Strategy, view.Explanation),
        });
    }

    /// <summary>Computes a decision without writing anything (dry-run).</summary>
    public async Task<RoutingOutcome?> DecideAsync(SwitchboardDb db, LeadRow lead, int? flowVersion, DateTimeOffset now, CancellationToken ct) =>
        await flows.GetAsync(db, flowVersion, ct) is { } flow ? await DecideAsync(db, lead, flow, now, ct) : null;

    /// <summary>Computes the decision of a given (e.g. candidate, unsaved) flow, writing nothing.</summary>
    public async Task<RoutingOutcome> DecideAsync(SwitchboardDb db, LeadRow lead, CompiledFlow flow, DateTimeOffset now, CancellationToken ct)
    {
        var batch = new RoutingBatch(null, await RoutingSnapshots.LoadAsync(db, flow, 0, now, ct), db.RoutingInputs, 0, await HistoryAsync(db, flow, now, ct));
        var engineLead = await ToEngineLeadAsync(db, lead, flow, ct);
        return batch.Decide(engineLead, now);
    }

    /// <summary>Routes one lead in the caller's routing transaction (see the batch overload).</summary>
    public async Task<RoutingDecision?> RouteAsync(
        SwitchboardDb db, LeadRow lead, string actor, DateTimeOffset now, CancellationToken ct, bool retry = false, string? passedOn = null) =>
        await RouteAsync(db, await BeginAsync(db, now, ct), lead, actor, now, ct, retry, passedOn);

    /// <summary>
    /// The routing batch of the caller's routing transaction, begun on its first lead: the snapshot with
    /// loads counted for <paramref name="now"/>. Every lead routed in the transaction shares it, and the
    /// commit writes what it counted.
    /// </summary>
    public async Task<RoutingBatch> BeginAsync(SwitchboardDb db, DateTimeOffset now, CancellationToken ct)
    {
        var tx = db.RoutingTransaction ?? throw new InvalidOperationException("Routing runs in a routing transaction (BeginRoutingTransactionAsync).");
        if (tx.Batch is { } current)
        {
            return current;
        }

        var bumps = db.RoutingInputs.Bumps;
        var snapshot = await snapshots.TakeAsync(db, now, ct);
        snapshot.CountFor(now);
        var batch = new RoutingBatch(snapshots, snapshot, db.RoutingInputs, bumps, await HistoryAsync(db, snapshot.Flow, now, ct));
        tx.Enlist(batch);
        return batch;
    }

    /// <summary>
    /// Routes a lead tracked by <paramref name="db"/> and writes the outcome: the lead's status and owner,
    /// the decision trace, the timeline; the batch keeps the reps' and teams' load and the strategy state
    /// current for the next lead. The caller holds the routing transaction and saves. A retry of a held
    /// lead that is still held writes nothing (returns null), so held leads do not fill their timelines
    /// with identical attempts.
    /// </summary>
    public async Task<RoutingDecision?> RouteAsync(
        SwitchboardDb db, RoutingBatch batch, LeadRow lead, string actor, DateTimeOffset now, CancellationToken ct, bool retry = false, string? passedOn = null)
    {
        var engineLead = await ToEngineLeadAsync(db, lead, batch.Flow, ct);
        var outcome = batch.Decide(engineLead, now);

        // Partitioned (captures on PostgreSQL): the decision stands once what it read is locked and was
        // current; if another instance had moved any of it, decide again on the fresh state.
        while (db.RoutingTransaction is { Partitioned: true } && await batch.LockAsync(db, batch.KeysOf(outcome), ct))
        {
            outcome = batch.Decide(engineLead, now);
        }

        var decision = outcome.Decision;
        if (retry && decision.Kind == DecisionKind.Held)
        {
            return null;
        }

        if (passedOn is not null && decision.Kind == DecisionKind.Held && batch.Flow.Fallback is { Kind: TargetKind.Pool, PoolId: { } pool })
        {
            // Taken from a rep (an SLA breach, a reassignment) and nobody else may have it: holding it would
            // wait for reps who are left out for good, so it goes where the flow sends what nobody takes.
            decision = decision with
            {
                Kind = DecisionKind.Pooled,
                PoolId = pool,
                Explanation = $"{passedOn}: {decision.Explanation}; so the fallback sends it to pool '{pool}'",
            };
        }

        Record(db, lead.Id, decision, now);

        var heldSince = lead.HeldSince;
        var life = lead.Life();
        switch (decision.Kind)
        {
            case DecisionKind.Assigned:
                // The engine chose the rep with the same eligibility rules the one assignment path checks.
                life = batch.Give(life, decision.RepId!, Handover.Routed, batch.SlaFor(decision, decision.RepId), now).Lead;
                break;
            case DecisionKind.Offered:
                life = LeadLifecycle.Offer(life, decision.OfferedRepIds!, decision.OfferWindow!.Value, batch.SlaFor(decision, decision.OfferedRepIds![0]), now);
                break;
            case DecisionKind.Pooled:
                life = LeadLifecycle.Pool(life, decision.PoolId!, now);
                break;
            default:
                life = LeadLifecycle.Hold(life, now);
                break;
        }

        lead.Apply(life, now);
        var waited = heldSince is { } since ? $"after being held since {since.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}: " : "";
        db.LeadEvents.Add(new LeadEventRow
        {
            LeadId = lead.Id,
            Type = lead.Status.Name(),
            At = now,
            Actor = actor,
            RepId = decision.RepId,
            Note = waited + decision.Explanation,
        });

        if (decision.Alert is { } alert)
        {
            // Someone should know that a rule found nobody: on the timeline now, as an outbox event later.
            db.LeadEvents.Add(new LeadEventRow { LeadId = lead.Id, Type = "alert", At = now, Actor = "system", Note = alert });
            log.LogWarning("Lead {LeadId}: {Alert}", lead.Id, alert);
        }

        if (outcome is { StateKey: { } key, NewState: { } state })
        {
            batch.SetState(key, state, now);
        }

        return decision;
    }

    /// <summary>
    /// Partitioned: what routing <paramref name="leads"/> will most likely lock (each routed once on the
    /// snapshot as it stands, without its account), so a capture can take those locks in one sorted
    /// statement with its others; a lead that ends up touching more locks the rest as it is routed.
    /// </summary>
    public async Task<IEnumerable<string>> KeysAheadAsync(SwitchboardDb db, IEnumerable<LeadRow> leads, DateTimeOffset now, CancellationToken ct)
    {
        var batch = await BeginAsync(db, now, ct);
        return leads.SelectMany(l => batch.KeysOf(batch.Decide(l.ToEngineLead(), now)));
    }

    /// <summary>The engine's view of a stored lead; looks up the account owner only when the flow routes by it.</summary>
    private static async Task<Lead> ToEngineLeadAsync(SwitchboardDb db, LeadRow lead, CompiledFlow flow, CancellationToken ct)
    {
        var engineLead = lead.ToEngineLead();
        if (lead.ExcludedRepIds.Length > 0)
        {
            engineLead = engineLead with { ExclusionReasons = await ExclusionReasonsAsync(db, lead, ct) };
        }

        return flow.NeedsAccount ? engineLead with { Account = await AccountLookup.FindAsync(db, lead, ct) } : engineLead;
    }

    private static readonly string[] PassingEvents = ["declined", "offer_expired", "sla_breached"];

    /// <summary>
    /// Why each rep left out of a lead passed it on, from its timeline (also what this transaction added):
    /// a decline with its reason, an expired offer, an SLA breach; otherwise a reassignment took it away.
    /// </summary>
    private static async Task<Dictionary<string, string>> ExclusionReasonsAsync(SwitchboardDb db, LeadRow lead, CancellationToken ct)
    {
        var stored = await db.LeadEvents.AsNoTracking()
            .Where(e => e.LeadId == lead.Id && PassingEvents.Contains(e.Type)).OrderBy(e => e.Id).ToListAsync(ct);
        var added = db.LeadEvents.Local.Where(e => e.LeadId == lead.Id && e.Id == 0 && PassingEvents.Contains(e.Type));
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in stored.Concat(added))
        {
            switch (e.Type)
            {
                case "declined" when e.RepId is { } rep:
                    reasons[rep] = $"declined this lead ({e.Note})";
                    break;
                case "sla_breached" when e.RepId is { } rep:
                    reasons[rep] = $"breached this lead's SLA ({e.Note?.Split(" (", 2)[0]})";
                    break;
                case "offer_expired":
                    // The note names who let it lapse: "nobody accepted in time (a, b); ...".
                    var lapsed = e.Note?.Split('(', 2) is [_, var rest] ? rest.Split(')', 2)[0].Split(", ") : [];
                    foreach (var rep in lapsed)
                    {
                        reasons.TryAdd(rep, "let an offer of this lead expire");
                    }

                    break;
            }
        }

        foreach (var rep in lead.ExcludedRepIds)
        {
            reasons.TryAdd(rep, "held this lead before it was reassigned");
        }

        return reasons;
    }

    /// <summary>Every rep with their current load: open leads and assignments in their own hour/day/week/month.</summary>
    public static async Task<List<RepState>> LoadRepStatesAsync(SwitchboardDb db, DateTimeOffset now, CancellationToken ct) =>
        (await RoutingSnapshots.LoadAsync(db, FlowStore.Default, 0, now, ct)).Reps;

    /// <summary>
    /// What each rep was assigned in each window the flow's strategies look back over (top-performer's
    /// conversion rates), from the leads themselves; read per batch, and only when a strategy needs it.
    /// </summary>
    private static async Task<Dictionary<string, Dictionary<TimeSpan, RepHistory>>?> HistoryAsync(
        SwitchboardDb db, CompiledFlow flow, DateTimeOffset now, CancellationToken ct)
    {
        if (flow.HistoryWindows.Count == 0)
        {
            return null;
        }

        var history = new Dictionary<string, Dictionary<TimeSpan, RepHistory>>(StringComparer.Ordinal);
        foreach (var window in flow.HistoryWindows)
        {
            var since = now - window;
            var rows = await db.Leads
                .Where(l => l.OwnerRepId != null && l.AssignedAt >= since)
                .GroupBy(l => l.OwnerRepId!)
                .Select(g => new
                {
                    RepId = g.Key,
                    Assigned = g.Count(),
                    Converted = g.Count(l => LeadStatuses.Converted.Contains(l.Status)),
                    Won = g.Count(l => l.Status == LeadStatus.Won),
                    Lost = g.Count(l => l.Status == LeadStatus.Lost),
                })
                .ToListAsync(ct);
            foreach (var row in rows)
            {
                (history.TryGetValue(row.RepId, out var h) ? h : history[row.RepId] = [])[window] = new RepHistory(row.Assigned, row.Converted, row.Won, row.Lost);
            }
        }

        return history;
    }

    public static StrategyState ToState(StrategyStateRow row)
    {
        var ledger = row.LedgerJson is { Length: > 2 } json ? JsonSerializer.Deserialize<Ledger>(json, Json.Options) ?? new Ledger() : new Ledger();
        return new StrategyState(row.Pointer, JsonSerializer.Deserialize<Dictionary<string, long>>(row.CreditsJson) ?? [])
        {
            Balances = ledger.Balances ?? [],
            Absent = ledger.Absent ?? [],
            ExtraTurns = ledger.ExtraTurns ?? [],
            Waiting = ledger.Waiting ?? [],
        };
    }

    /// <summary>The fairness ledger as stored (and shown) per rule.</summary>
    public sealed record Ledger(
        Dictionary<string, double>? Balances = null,
        List<string>? Absent = null,
        Dictionary<string, int>? ExtraTurns = null,
        Dictionary<string, int>? Waiting = null)
    {
        public static Ledger From(StrategyState s) =>
            new(new(s.Balances), [.. s.Absent], new(s.ExtraTurns), new(s.Waiting));
    }
}

/// <summary>
/// One routing transaction's use of the routing snapshot: the engine's inputs, kept current in memory
/// as leads are assigned so the next lead sees the load a fresh read would give, and what to write at
/// commit (rep counters, last-assigned times, strategy state). After the commit the snapshot goes back
/// to <see cref="RoutingSnapshots"/> if the transaction changed nothing else routing reads.
/// </summary>
public sealed class RoutingBatch
{
    private readonly RoutingSnapshots? _owner;
    private readonly RoutingSnapshot _snapshot;
    private readonly List<RepState>? _withHistory;

    // Where the transaction's changes stood when the batch began, to tell its own from the rest.
    private readonly int _bumps;
    private readonly int _otherChanges;
    private readonly Dictionary<string, int> _openMoved;

    private readonly Dictionary<(string RepId, string Period), int> _counted = [];
    private readonly Dictionary<string, DateTimeOffset> _lastAssigned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _assigned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _changedStates = new(StringComparer.Ordinal);

    internal RoutingBatch(
        RoutingSnapshots? owner, RoutingSnapshot snapshot, RoutingInputs inputs, int bumps, Dictionary<string, Dictionary<TimeSpan, RepHistory>>? history)
    {
        _owner = owner;
        _snapshot = snapshot;
        _bumps = bumps;
        _otherChanges = inputs.OtherChanges;
        _openMoved = new(inputs.OpenMoved, StringComparer.Ordinal);
        if (history is not null)
        {
            _withHistory = [.. snapshot.Reps.Select(r => r with { Load = r.Load with { History = history.GetValueOrDefault(r.Id) } })];
        }
    }

    public CompiledFlow Flow => _snapshot.Flow;
    public IReadOnlyList<RepState> Reps => _withHistory ?? _snapshot.Reps;
    public IReadOnlyDictionary<string, StrategyState> States => _snapshot.States;
    public IReadOnlyDictionary<string, TeamState> Teams => _snapshot.Teams;

    /// <summary>The snapshot's rep index (the history-carrying list keeps the same order).</summary>
    public RepIndex RepIndex => _snapshot.RepIndex;

    /// <summary>Which leads each pool with a condition takes.</summary>
    public IReadOnlyDictionary<string, Condition> PoolConditions => _snapshot.PoolConditions;

    /// <summary>The engine's decision for <paramref name="lead"/> on the batch's inputs as they stand; changes nothing.</summary>
    public RoutingOutcome Decide(Lead lead, DateTimeOffset now) => Router.Route(lead, Flow, Reps, States, now, Teams, PoolConditions, RepIndex);

    /// <summary>Whether the batch changed anything in memory (then an uncommitted one must not be handed back).</summary>
    private bool Changed => _assigned.Count > 0 || _changedStates.Count > 0;

    /// <summary>
    /// The SLA a new owner works under: the deciding rule's, else the targeted team's default, else the
    /// default of the first of the rep's teams that has one.
    /// </summary>
    public SlaPolicy? SlaFor(RoutingDecision decision, string? repId) => decision.Sla ?? SlaFor(decision.TeamId, repId);

    /// <summary>The SLA of a lead given to a rep outside the flow: the team's default, else that of the first of the rep's teams with one.</summary>
    public SlaPolicy? SlaFor(string? teamId, string? repId) =>
        (teamId is { } team && _snapshot.TeamSlas.TryGetValue(team, out var byTeam) ? byTeam : null)
        ?? (repId is not null && _snapshot.Index.TryGetValue(repId, out var i)
            ? _snapshot.Reps[i].Rep.TeamIds.Select(t => _snapshot.TeamSlas.GetValueOrDefault(t)).FirstOrDefault(s => s is not null)
            : null);

    public void SetState(string key, StrategyState state, DateTimeOffset now)
    {
        _snapshot.States[key] = state;
        _changedStates[key] = now;
    }

    /// <summary>
    /// The one assignment path: the lead goes to the rep if <see cref="LeadLifecycle.Assign"/> lets it, with
    /// the snapshot's load and calendars, and the assignment is counted like any the flow makes.
    /// </summary>
    public Step Give(LeadLife lead, string repId, Handover how, SlaPolicy? sla, DateTimeOffset now)
    {
        if (!_snapshot.Index.TryGetValue(repId, out var i))
        {
            return Step.Refuse(lead, RefusalKind.Invalid, $"rep '{repId}' does not exist", "repId");
        }

        var step = LeadLifecycle.Assign(lead, _snapshot.Reps[i], _snapshot.Teams.Values, how, sla, now);
        if (step.Refused is null)
        {
            CountAssignment(repId, now);
        }

        return step;
    }

    /// <summary>One more lead for the rep: their load and their teams' load, and the counters to write. Returns the rep as it was.</summary>
    private RepState CountAssignment(string repId, DateTimeOffset now)
    {
        var rep = _snapshot.CountAssignment(repId, now, out var periods);
        if (_withHistory is not null)
        {
            var i = _snapshot.Index[repId];
            _withHistory[i] = _withHistory[i] with { Load = _withHistory[i].Load.AfterAssignment(now) };
        }

        foreach (var period in periods.All)
        {
            _counted[(repId, period)] = _counted.GetValueOrDefault((repId, period)) + 1;
        }

        _lastAssigned[repId] = now;
        _assigned[repId] = _assigned.GetValueOrDefault(repId) + 1;
        return rep;
    }

    /// <summary>Writes what the batch counted, at the routing transaction's commit: rep counters, last-assigned times, changed strategy state.</summary>
    internal async Task WriteAsync(SwitchboardDb db, CancellationToken ct)
    {
        if (!Changed)
        {
            return;
        }

        if (_lastAssigned.Count > 0)
        {
            await db.SetLastAssignedAsync(_lastAssigned, ct);
        }

        if (_counted.Count > 0)
        {
            await db.AddToCountersAsync(_counted, ct);
        }

        var added = false;
        foreach (var (key, at) in _changedStates)
        {
            var state = _snapshot.States[key];
            var (credits, ledger) = Stored(state);
            var updated = await db.StrategyStates.Where(s => s.Key == key).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.Pointer, state.Pointer)
                .SetProperty(s => s.CreditsJson, credits)
                .SetProperty(s => s.LedgerJson, ledger)
                .SetProperty(s => s.UpdatedAt, at), ct);
            if (updated == 0)
            {
                db.StrategyStates.Add(new StrategyStateRow { Key = key, Pointer = state.Pointer, CreditsJson = credits, LedgerJson = ledger, UpdatedAt = at });
                added = true;
            }
        }

        if (added)
        {
            await db.SaveChangesAsync(ct);
        }

        if (db.RoutingTransaction is { Partitioned: true })
        {
            // Only what this transaction locked changed; the number tells lone transactions that it did.
            var n = await RoutingInputs.DrawWriteAsync(db, ct);
            _snapshot.Writes = _snapshot.Writes == n - 1 ? n : null;
        }
        else
        {
            await db.RoutingInputs.BumpAsync(db, ct);
        }
    }

    /// <summary>A strategy state's stored columns besides its pointer: credits and the fairness ledger, as JSON.</summary>
    private static (string Credits, string Ledger) Stored(StrategyState state) =>
        (JsonSerializer.Serialize(state.Credits), JsonSerializer.Serialize(LeadRouting.Ledger.From(state), Json.Options));

    /// <summary>
    /// The locks an outcome's decision rests on: the strategy state it moves, and every team of every
    /// rep it could have chosen — the members of each team a matching rule (or the fallback) tried and
    /// the reps named — so no two transactions count the same rep or turn the same rotation at once. A
    /// rep in no team is locked by itself.
    /// </summary>
    public IEnumerable<string> KeysOf(RoutingOutcome outcome)
    {
        var d = outcome.Decision;
        var reps = new HashSet<string>(StringComparer.Ordinal);
        void Target(Target? target)
        {
            if (target is { Kind: TargetKind.Team, TeamId: { } team })
            {
                reps.UnionWith(_snapshot.Members(team));
            }
            else if (target is { Kind: TargetKind.Reps, RepIds: { } ids })
            {
                reps.UnionWith(ids);
            }
        }

        foreach (var tried in d.Rules)
        {
            if (tried.Matched && _snapshot.Flow.Rules.FirstOrDefault(r => r.Name == tried.Rule) is { } rule)
            {
                Target(rule.Target);
                if (rule.WhenNoneEligible == NoneEligiblePolicy.Otherwise && d.Rule == rule.Name)
                {
                    Target(rule.Otherwise);
                }
            }
        }

        if (d.TeamId is { } teamId)
        {
            Target(Routing.Flows.Target.Team(teamId));
        }

        // The fallback was read only if the decision is the fallback's (a team fallback locked for every
        // lead would put every capture behind every other).
        if (d.Rule == CompiledFlow.FallbackRule)
        {
            Target(_snapshot.Flow.Fallback);
        }
        reps.UnionWith(d.OfferedRepIds ?? []);
        if (d.RepId is { } chosen)
        {
            reps.Add(chosen);
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (outcome.StateKey is { } state)
        {
            keys.Add(StateLock + state);
        }

        foreach (var rep in reps)
        {
            var teams = _snapshot.Index.TryGetValue(rep, out var i) ? _snapshot.Reps[i].Rep.TeamIds : [];
            if (teams.Count == 0)
            {
                keys.Add(RepLock + rep);
            }

            foreach (var team in teams)
            {
                keys.Add(TeamLock + team);
            }
        }

        return keys;
    }

    private const string StateLock = "state:", TeamLock = "team:", RepLock = "rep:";

    /// <summary>
    /// Partitioned: takes the locks of <paramref name="keys"/> not held yet and reads what they guard
    /// afresh — reps' open leads, last assignment and counters; strategy state — into the snapshot.
    /// Returns whether any of it had moved (a decision made before must be made again). Otherwise
    /// (the routing lock held alone, or SQLite) the snapshot is current already and this returns false.
    /// </summary>
    internal async Task<bool> LockAsync(SwitchboardDb db, IEnumerable<string> keys, CancellationToken ct)
    {
        if (db.RoutingTransaction is not { Partitioned: true } tx || await tx.LockAsync(keys, ct) is not { Count: > 0 } locked)
        {
            return false;
        }

        var reps = new HashSet<string>(StringComparer.Ordinal);
        var states = new List<string>();
        foreach (var key in locked)
        {
            if (key.StartsWith(TeamLock, StringComparison.Ordinal))
            {
                reps.UnionWith(_snapshot.Members(key[TeamLock.Length..]));
            }
            else if (key.StartsWith(RepLock, StringComparison.Ordinal))
            {
                reps.Add(key[RepLock.Length..]);
            }
            else if (key.StartsWith(StateLock, StringComparison.Ordinal))
            {
                states.Add(key[StateLock.Length..]);
            }
        }

        var moved = false;
        if (reps.Count > 0)
        {
            var ids = reps.Where(_snapshot.Index.ContainsKey).ToArray();
            var periods = _snapshot.Periods.Values.SelectMany(p => p.All).Distinct().ToArray();
            var rows = await db.Reps.AsNoTracking().Where(r => EF.Parameter(ids).Contains(r.Id)).Select(r => new { r.Id, r.OpenLeads, r.LastAssignedAt }).ToListAsync(ct);
            var counters = await db.RepCounters.AsNoTracking()
                .Where(c => EF.Parameter(ids).Contains(c.RepId) && EF.Parameter(periods).Contains(c.Period))
                .ToDictionaryAsync(c => (c.RepId, c.Period), c => c.Count, ct);
            foreach (var row in rows)
            {
                if (_snapshot.Refresh(row.Id, row.OpenLeads, row.LastAssignedAt, counters) is { } load)
                {
                    moved = true;
                    if (_withHistory is not null)
                    {
                        var i = _snapshot.Index[row.Id];
                        _withHistory[i] = _withHistory[i] with { Load = load with { History = _withHistory[i].Load.History } };
                    }
                }
            }
        }

        if (states.Count > 0)
        {
            var rows = await db.StrategyStates.AsNoTracking().Where(s => EF.Parameter(states).Contains(s.Key)).ToDictionaryAsync(s => s.Key, StringComparer.Ordinal, ct);
            foreach (var key in states)
            {
                var held = _snapshot.States.GetValueOrDefault(key);
                var stored = rows.TryGetValue(key, out var row) ? LeadRouting.ToState(row) : null;
                if (held is null && stored is null)
                {
                    continue;
                }

                if (held is null || stored is null || held.Pointer != stored.Pointer || Stored(held) != Stored(stored))
                {
                    moved = true;
                    if (stored is null)
                    {
                        _snapshot.States.Remove(key);
                    }
                    else
                    {
                        _snapshot.States[key] = stored;
                    }
                }
            }
        }

        return moved;
    }

    /// <summary>
    /// After the commit: the snapshot goes back for the next transaction when the database moved on only
    /// by this batch — its own assignments the only open leads moved, nothing else routing reads changed,
    /// and no other transaction moved the version in between. Otherwise the next transaction reloads.
    /// </summary>
    internal void Committed(RoutingInputs inputs)
    {
        if (_owner is null || inputs.OtherChanges != _otherChanges)
        {
            return;
        }

        foreach (var (rep, n) in inputs.OpenMoved)
        {
            if (n - _openMoved.GetValueOrDefault(rep) != _assigned.GetValueOrDefault(rep))
            {
                return;
            }
        }

        if (_assigned.Keys.Any(rep => !inputs.OpenMoved.ContainsKey(rep)))
        {
            return;
        }

        var bumps = inputs.Bumps - _bumps;
        if (bumps == 0)
        {
            _owner.HandBack(_snapshot, _snapshot.Version);
        }
        else if (inputs.LastVersion == _snapshot.Version + bumps)
        {
            _owner.HandBack(_snapshot, inputs.LastVersion);
        }
    }

    /// <summary>Rolled back: a batch that changed nothing in memory still holds the database as it was.</summary>
    internal void Abandoned()
    {
        if (_owner is not null && !Changed)
        {
            _owner.HandBack(_snapshot, _snapshot.Version);
        }
    }
}
