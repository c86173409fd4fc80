using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Switchboard.Intake;
using Switchboard.Distribution;
using Switchboard.Routing;
using Switchboard.Scoring;
using Switchboard.Storage;
using Switchboard.Views;
using Switchboard.Routing.Lifecycle;

namespace Switchboard.Capture;

/// <summary>
/// What happens to a new lead, whatever channel it came through: stored, screened by the intake rules
/// (disqualified leads are kept and never routed; scored leads below the MQL threshold go to nurture),
/// then routed. The caller holds the routing transaction and saves.
/// </summary>
public sealed class LeadCapture(LeadRouting routing, IntakeRulesStore intakeRules, LeadScorer scorer, SwitchboardOptions options)
{
    /// <summary>
    /// Reads what capturing <paramref name="leads"/> needs once: their possible duplicates, accounts and
    /// the intake rules. The caller holds the routing transaction; routing shares its batch. In a
    /// partitioned transaction the leads' people (so two copies of one person arriving at two instances
    /// still end as one lead) and what routing them will touch are locked first, in one statement.
    /// </summary>
    public async Task<CaptureBatch> BeginAsync(SwitchboardDb db, IReadOnlyCollection<LeadRow> leads, DateTimeOffset now, CancellationToken ct)
    {
        if (db.RoutingTransaction is { Partitioned: true })
        {
            var batch = await routing.BeginAsync(db, now, ct);
            await batch.LockAsync(db, LeadDuplicates.LockKeys(leads).Concat(await routing.KeysAheadAsync(db, leads, now, ct)), ct);
        }

        return new(await LeadDuplicates.IndexAsync(db, leads, ct), await LeadAccounts.IndexAsync(db, leads, ct), await intakeRules.CurrentAsync(db, ct), now, await ErasedAsync(db, leads, ct));
    }

    /// <summary>Which of the leads' emails and phones belong to people erased before (by the tombstones' hashes).</summary>
    private static async Task<Dictionary<string, DateTimeOffset>?> ErasedAsync(SwitchboardDb db, IReadOnlyCollection<LeadRow> leads, CancellationToken ct)
    {
        string[] hashes = [.. leads.SelectMany(l => new[] { l.Email, l.Phone }).OfType<string>().Select(PersonalData.Hash).Distinct()];
        if (hashes.Length == 0)
        {
            return null;
        }

        var found = await db.Erasures.AsNoTracking()
            .Where(e => EF.Parameter(hashes).Contains(e.EmailHash!) || EF.Parameter(hashes).Contains(e.PhoneHash!))
            .Select(e => new { e.EmailHash, e.PhoneHash, e.At }).ToListAsync(ct);
        var byHash = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var e in found)
        {
            foreach (var hash in new[] { e.EmailHash, e.PhoneHash }.OfType<string>())
            {
                byHash[hash] = e.At;
            }
        }

        return byHash;
    }

    /// <summary>
    /// A lead from any channel: merged into the original when it is the same person again (the original
    /// keeps its owner and gains what it lacked), else captured as new. <paramref name="how"/> reads
    /// "through the API", "through form 'demo'", ... on the timeline. The caller saves.
    /// </summary>
    public async Task<Captured> CaptureOrMergeAsync(SwitchboardDb db, CaptureBatch batch, LeadRow lead, string actor, string how, DateTimeOffset now, CancellationToken ct)
    {
        if (batch.Duplicates.Find(lead, options.Dedupe) is not { } match)
        {
            batch.Duplicates.Add(LeadDuplicates.KeysOf(lead));
            var decision = await CaptureAsync(db, batch, lead, actor, how, now, ct);
            var view = decision is null ? null : DecisionView.From(decision);
            if (view is not null)
            {
                batch.Decisions[lead.Id] = view;
            }

            return new Captured(lead, false, view);
        }

        // Find looks at tracked leads first: the original may be new in this very batch.
        var original = (await db.Leads.FindAsync([match.ExistingId], ct))!;
        var filled = LeadDuplicates.MergeInto(original, lead);
        original.UpdatedAt = now;
        db.LeadEvents.Add(new LeadEventRow
        {
            LeadId = original.Id,
            Type = "merged",
            At = now,
            Actor = actor,
            Note = $"captured again {how}{(lead.Source is null ? "" : $" (source: {lead.Source})")}: {match.Reason}; " +
                   (filled.Count == 0 ? "nothing new" : "filled " + string.Join(", ", filled)),
        });
        return new Captured(original, true, batch.Decisions.GetValueOrDefault(original.Id) ?? await DecisionView.LatestAsync(db, original.Id, ct));
    }

    /// <returns>The decision when the lead was routed (or sent to nurture), null when it was disqualified.</returns>
    private async Task<RoutingDecision?> CaptureAsync(SwitchboardDb db, CaptureBatch batch, LeadRow lead, string actor, string how, DateTimeOffset now, CancellationToken ct)
    {
        db.Leads.Add(lead);
        db.LeadEvents.Add(new LeadEventRow
        {
            LeadId = lead.Id,
            Type = "created",
            At = now,
            Actor = actor,
            Note = lead.Source is null ? $"captured {how}" : $"captured {how} (source: {lead.Source})",
        });

        if (new[] { lead.Email, lead.Phone }.OfType<string>().Select(v => batch.Erased.TryGetValue(PersonalData.Hash(v), out var at) ? at : (DateTimeOffset?)null).FirstOrDefault(a => a is not null) is { } erasedAt)
        {
            db.LeadEvents.Add(new LeadEventRow
            {
                LeadId = lead.Id, Type = "erased_before", At = now, Actor = "system",
                Note = $"the same email or phone as a person whose data was erased on request on {erasedAt:yyyy-MM-dd}: check their wishes before contacting",
            });
        }

        if (batch.Accounts.Match(lead) is var (account, reason))
        {
            lead.AccountId = account.Id;
            db.LeadEvents.Add(new LeadEventRow
            {
                LeadId = lead.Id,
                Type = "account",
                At = now,
                Actor = "system",
                Note = $"matched to account '{account.Name}' ({account.Id}) by {reason}" + (account.OwnerRepId is { } owner ? $"; owner {owner}" : "; no owner"),
            });
        }

        var rules = batch.IntakeRules;
        var q = rules.Qualify(lead.ToEngineLead());
        if (q.DisqualifiedReason is { } why)
        {
            lead.Status = LeadStatus.Disqualified;
            lead.DisqualifiedReason = why;
            db.LeadEvents.Add(new LeadEventRow { LeadId = lead.Id, Type = "disqualified", At = now, Actor = "system", Note = $"{why} (intake rules v{rules.Version})" });
            return null;
        }

        if (q.Score is { } score)
        {
            lead.Score = score;
            lead.Grade = q.Grade;
            lead.ScoreReasonsJson = JsonSerializer.Serialize(q.Reasons, Json.Options);
            db.LeadEvents.Add(new LeadEventRow
            {
                LeadId = lead.Id,
                Type = "scored",
                At = now,
                Actor = "system",
                Note = $"score {score}{(q.Grade is null ? "" : $", grade {q.Grade}")} (intake rules v{rules.Version}): " +
                       (q.Reasons.Count == 0 ? "no rule matched" : string.Join("; ", q.Reasons)),
            });
        }

        else if (scorer.Score(lead) is { } learned)
        {
            // No point rules: the trained model scores, and flows route on it (e.g. when: score >= 60).
            lead.Score = learned.Score;
            lead.ScoreReasonsJson = JsonSerializer.Serialize(new[] { learned.Reason }, Json.Options);
            db.LeadEvents.Add(new LeadEventRow { LeadId = lead.Id, Type = "scored", At = now, Actor = "system", Note = $"score {learned.Score}: {learned.Reason}" });
        }

        if (q is { Mql: false, NurturePool: { } pool })
        {
            var explanation = $"{rules.DescribeMql(lead.Score ?? 0)}: sent to pool '{pool}' to nurture instead of routing";
            var decision = new RoutingDecision
            {
                Kind = DecisionKind.Pooled,
                FlowVersion = 0,
                Rule = "mql",
                PoolId = pool,
                Rules = [],
                Candidates = [],
                Explanation = explanation,
            };
            LeadRouting.Record(db, lead.Id, decision, now);
            lead.Apply(LeadLifecycle.Pool(lead.Life(), pool, now), now);
            db.LeadEvents.Add(new LeadEventRow { LeadId = lead.Id, Type = "pooled", At = now, Actor = "system", Note = explanation });
            return decision;
        }

        return await routing.RouteAsync(db, lead, "system", now, ct);
    }
}

/// <summary>What capturing a lead came to: the lead (the original, for a duplicate) and its latest decision.</summary>
public sealed record Captured(LeadRow Lead, bool Duplicate, DecisionView? Decision)
{
    public LeadCreated ToResponse() => new(Lead.Id, Lead.Status.Name(), Lead.OwnerRepId, Lead.PoolId, Duplicate, Decision);
}

/// <summary>What capturing a batch of leads reads once (see <see cref="LeadCapture.BeginAsync"/>) and carries from lead to lead.</summary>
public sealed class CaptureBatch(DuplicateIndex duplicates, AccountIndex accounts, IntakeRules intakeRules, DateTimeOffset now, IReadOnlyDictionary<string, DateTimeOffset>? erased = null)
{
    /// <summary>Hashes of emails and phones of people erased before, with when: a lead of theirs says so.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Erased => erased ?? NoneErased;

    private static readonly Dictionary<string, DateTimeOffset> NoneErased = [];

    public DuplicateIndex Duplicates => duplicates;
    public AccountIndex Accounts => accounts;
    public IntakeRules IntakeRules => intakeRules;
    public DateTimeOffset Now => now;

    /// <summary>Decisions made in this batch, for duplicates of leads not saved yet.</summary>
    public Dictionary<string, DecisionView> Decisions { get; } = new(StringComparer.Ordinal);
}
