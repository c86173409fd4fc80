using Switchboard.Routing.Flows;
using Switchboard.Routing.Lifecycle;
using Switchboard.Routing.Model;
using static Switchboard.Routing.Tests.Build;

namespace Switchboard.Routing.Tests.Lifecycle;

/// <summary>The lead lifecycle on plain values: each transition's result or refusal, and SLA evaluation.</summary>
public class LeadLifecycleTests
{
    private static readonly SlaPolicy Sla = new(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), false, "reassign", RemindBefore: TimeSpan.FromMinutes(1), UntouchedAfter: TimeSpan.FromHours(1));

    private static LeadLife New() => new() { Status = LeadStatus.New, CreatedAt = Now };

    private static LeadLife Pushed(string rep = "ann", SlaPolicy? sla = null) =>
        LeadLifecycle.Assign(New(), Rep(rep), [], Handover.Routed, sla ?? Sla, Now).Lead;

    [Fact]
    public void StatusNames_RoundTrip_AndGroupsAgree()
    {
        foreach (var status in LeadStatuses.All)
        {
            Assert.True(LeadStatuses.TryParse(status.Name(), out var back));
            Assert.Equal(status, back);
            Assert.Equal(LeadStatuses.Open.Contains(status), status.IsOpen());
        }

        Assert.False(LeadStatuses.TryParse("Assigned", out _)); // stored names are lower case
        Assert.Equal("one of contacted, qualified, meeting, proposal, won, lost, recycled", LeadStatuses.OneOf(LeadStatuses.Work));
    }

    [Fact]
    public void Assign_StartsTheClocks()
    {
        var lead = Pushed();

        Assert.Equal(LeadStatus.Assigned, lead.Status);
        Assert.Equal("ann", lead.OwnerRepId);
        Assert.Equal(Now + TimeSpan.FromMinutes(5), lead.AcceptDueAt);
        Assert.Equal(Now + TimeSpan.FromMinutes(15), lead.TouchDueAt);
        Assert.Equal(Now + TimeSpan.FromMinutes(4), lead.RemindAt);
        Assert.Equal(Now + TimeSpan.FromHours(1), lead.StaleCheckAt);
    }

    [Fact]
    public void Claim_ChecksCaps_AndStartsOnlyTheTouchClock()
    {
        var pooled = LeadLifecycle.Pool(New(), "west", Now);
        var claim = LeadLifecycle.Claim(pooled, "west", "West", "cherry-pick", "ann");
        Assert.Equal(Then.Assign, claim.Then);
        Assert.Equal(Handover.Claimed, claim.Handover);

        var full = Rep("ann", caps: new RepCaps(PerDay: 3), load: new RepLoad(AssignedToday: 3));
        var refused = LeadLifecycle.Assign(claim.Lead, full, [], Handover.Claimed, Sla, Now);
        Assert.Equal(RefusalKind.Conflict, refused.Refused?.Kind);
        Assert.Contains("at daily cap (3/3)", refused.Refused!.Reason, StringComparison.Ordinal);
        Assert.Same(claim.Lead, refused.Lead);

        var owned = LeadLifecycle.Assign(claim.Lead, Rep("ann"), [], Handover.Claimed, Sla, Now).Lead;
        Assert.Equal(("ann", "west", (string?)null), (owned.OwnerRepId, owned.ClaimedFromPoolId, owned.PoolId));
        Assert.Null(owned.AcceptDueAt); // claiming is accepting
        Assert.Equal(Now + TimeSpan.FromMinutes(15), owned.TouchDueAt);
    }

    [Fact]
    public void Assign_ByAnotherPerson_NeedsTheRepAvailable_ButARepActingThemselvesDoesNot()
    {
        var away = Rep("ann", status: RepStatus.Away);

        Assert.Contains("away", LeadLifecycle.Assign(New(), away, [], Handover.Reassigned, Sla, Now).Refused!.Reason, StringComparison.Ordinal);
        Assert.Contains("away", LeadLifecycle.Assign(New(), away, [], Handover.Escalated, Sla, Now).Refused!.Reason, StringComparison.Ordinal);
        Assert.Null(LeadLifecycle.Assign(New(), away, [], Handover.Claimed, Sla, Now).Refused);
        Assert.Null(LeadLifecycle.Assign(New(), away, [], Handover.Accepted, Sla, Now).Refused);
    }

    [Fact]
    public void Assign_ChecksTheRepsTeamCaps()
    {
        var team = new TeamState("sdr", new RepCaps(PerHour: 2), new RepLoad(AssignedThisHour: 2));
        var other = new TeamState("ae", new RepCaps(PerHour: 2), new RepLoad(AssignedThisHour: 2));

        Assert.Contains("team 'sdr' at hourly cap (2/2)", LeadLifecycle.Assign(New(), Rep("ann"), [team], Handover.Claimed, Sla, Now).Refused!.Reason, StringComparison.Ordinal);
        Assert.Null(LeadLifecycle.Assign(New(), Rep("ann"), [other], Handover.Claimed, Sla, Now).Refused);
    }

    [Fact]
    public void Accept_APushedLead_InTime_StopsTheAcceptClockOnly()
    {
        var step = LeadLifecycle.Accept(Pushed(), "ann", Now + TimeSpan.FromMinutes(2));

        Assert.Equal(LeadStatus.Accepted, step.Lead.Status);
        Assert.Null(step.Lead.AcceptDueAt);
        Assert.Equal(Now + TimeSpan.FromMinutes(15), step.Lead.TouchDueAt);
        Assert.Equal("accepted", Assert.Single(step.Events).Type);

        var late = LeadLifecycle.Accept(Pushed(), "ann", Now + TimeSpan.FromMinutes(5));
        Assert.Contains("ran out", late.Refused!.Reason, StringComparison.Ordinal);
        Assert.Equal(RefusalKind.Conflict, LeadLifecycle.Accept(Pushed(), "bob", Now).Refused!.Kind);
        Assert.False(LeadLifecycle.Accept(step.Lead, "ann", Now).Changed); // twice: a no-op
    }

    [Fact]
    public void Accept_AnOffer_GoesToTheAssignmentPath_AndWithdrawsTheOthers()
    {
        var offered = LeadLifecycle.Offer(New(), ["ann", "bob"], TimeSpan.FromMinutes(2), Sla, Now);
        Assert.Null(offered.AcceptDueAt); // the SLA waits for the accept

        var step = LeadLifecycle.Accept(offered, "bob", Now + TimeSpan.FromMinutes(1));
        Assert.Equal((Then.Assign, "bob", Handover.Accepted), (step.Then, step.AssignTo, step.Handover));
        Assert.Equal(["accepted", "offer_withdrawn"], step.Events.Select(e => e.Type));

        var owned = LeadLifecycle.Assign(step.Lead, Rep("bob"), [], Handover.Accepted, offered.Sla, Now + TimeSpan.FromMinutes(1)).Lead;
        Assert.Equal((LeadStatus.Accepted, "bob"), (owned.Status, owned.OwnerRepId));
        Assert.Empty(owned.OfferedRepIds);
        Assert.Null(owned.AcceptDueAt);
        Assert.NotNull(owned.TouchDueAt);

        Assert.Contains("expired", LeadLifecycle.Accept(offered, "bob", Now + TimeSpan.FromMinutes(2)).Refused!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decline_LeavesTheRepOut_AndRoutesOnlyWhenNobodyIsLeft()
    {
        var offered = LeadLifecycle.Offer(New(), ["ann", "bob"], TimeSpan.FromMinutes(2), Sla, Now);

        var one = LeadLifecycle.Decline(offered, "ann", "busy", Now);
        Assert.Equal(Then.Nothing, one.Then);
        Assert.Equal(["bob"], one.Lead.OfferedRepIds);
        Assert.Equal(["ann"], one.Lead.ExcludedRepIds);

        var both = LeadLifecycle.Decline(one.Lead, "bob", "on leave", Now);
        Assert.Equal(Then.Route, both.Then);
        Assert.Null(both.Lead.OfferExpiresAt);

        Assert.Equal(RefusalKind.Conflict, LeadLifecycle.Decline(both.Lead, "ann", "again", Now).Refused!.Kind);
        Assert.Equal(RefusalKind.NotFound, LeadLifecycle.Decline(offered, "cid", "never offered", Now).Refused!.Kind);
        Assert.Equal("reason", LeadLifecycle.Decline(offered, "ann", " ", Now).Refused!.Field);
    }

    [Fact]
    public void Touch_AFirstCall_StopsTheTouchClock_ANoteDoesNot()
    {
        var noted = LeadLifecycle.Touch(Pushed(), "note", "left a voicemail?", "ann", Now + TimeSpan.FromMinutes(1)).Lead;
        Assert.NotNull(noted.TouchDueAt);
        Assert.Equal(Now + TimeSpan.FromMinutes(61), noted.StaleCheckAt);

        var called = LeadLifecycle.Touch(noted, "call", null, "ann", Now + TimeSpan.FromMinutes(2)).Lead;
        Assert.Null(called.TouchDueAt);
        Assert.Equal(Now + TimeSpan.FromMinutes(2), called.FirstTouchAt);
        Assert.Equal("type", LeadLifecycle.Touch(noted, "fax", null, "ann", Now).Refused!.Field);
    }

    [Fact]
    public void ChangeStatus_ValidatesFields_AndWorksOnlyOwnedLeads()
    {
        Assert.Equal("value", LeadLifecycle.StatusChangeProblem("won", null, null)!.Field);
        Assert.Equal("reason", LeadLifecycle.StatusChangeProblem("lost", null, "")!.Field);
        Assert.Equal("status", LeadLifecycle.StatusChangeProblem("assigned", null, null)!.Field); // not one a rep moves to

        var pooled = LeadLifecycle.Pool(New(), "west", Now);
        Assert.Equal(RefusalKind.Conflict, LeadLifecycle.ChangeStatus(pooled, "contacted", null, null, "ann", Now).Refused!.Kind);

        var won = LeadLifecycle.ChangeStatus(Pushed(), "won", 1200m, null, "ann", Now).Lead;
        Assert.Equal((LeadStatus.Won, 1200m), (won.Status, won.Value));
        Assert.Null(won.TouchDueAt);
        Assert.Null(won.StaleCheckAt);

        var recycled = LeadLifecycle.ChangeStatus(Pushed(), "recycled", null, "no budget", "ann", Now);
        Assert.Null(recycled.Lead.OwnerRepId);
        Assert.Equal("assigned → recycled (no budget)", recycled.Events[0].Note);
    }

    [Fact]
    public void Reassign_ToARep_GoesToTheAssignmentPath_WithoutARep_RoutesAgain()
    {
        var to = LeadLifecycle.Reassign(Pushed(), "bob", "mgr", "vacation", Now);
        Assert.Equal((Then.Assign, "bob", Handover.Reassigned), (to.Then, to.AssignTo, to.Handover));
        Assert.Equal(["ann"], to.Lead.ExcludedRepIds);
        Assert.Equal("vacation: from ann to bob", to.Events[0].Note);

        var again = LeadLifecycle.Reassign(Pushed(), null, "mgr", "vacation", Now);
        Assert.Equal((Then.Route, "vacation from ann"), (again.Then, again.PassedOn));
        Assert.Null(again.Lead.OwnerRepId);
    }

    [Fact]
    public void SlaBreach_IsATypedAction_AndHandledOnce()
    {
        var lead = Pushed();
        Assert.Null(SlaClock.Breach(lead, Now + TimeSpan.FromMinutes(4)));
        Assert.IsType<ReassignOnBreach>(SlaClock.Breach(lead, Now + TimeSpan.FromMinutes(5)));
        Assert.IsType<PoolOnBreach>(SlaClock.Breach(Pushed(sla: Sla with { OnBreach = "pool:west" }), Now + TimeSpan.FromMinutes(5)));
        Assert.IsType<EscalateOnBreach>(SlaClock.Breach(Pushed(sla: Sla with { OnBreach = "escalate" }), Now + TimeSpan.FromMinutes(5)));

        var step = LeadLifecycle.Breach(lead, [], Now + TimeSpan.FromMinutes(5));
        Assert.Equal(["sla_breached", "reassigned"], step.Events.Select(e => e.Type));
        Assert.Equal(Then.Route, step.Then);
        Assert.False(LeadLifecycle.Breach(step.Lead, [], Now + TimeSpan.FromMinutes(6)).Changed); // the clocks stopped

        var pooled = LeadLifecycle.Breach(Pushed(sla: Sla with { OnBreach = "pool:west" }), [], Now + TimeSpan.FromMinutes(5)).Lead;
        Assert.Equal((LeadStatus.Pooled, "west", (string?)null), (pooled.Status, pooled.PoolId, pooled.OwnerRepId));
        Assert.Equal(["ann"], pooled.ExcludedRepIds);

        var escalated = LeadLifecycle.Breach(Pushed(sla: Sla with { OnBreach = "escalate" }), ["mia"], Now + TimeSpan.FromMinutes(5));
        Assert.Equal("ann", escalated.Lead.OwnerRepId); // stays, the manager is told
        Assert.Equal("mia", escalated.Events[1].RepId);
    }

    [Fact]
    public void FollowUp_RemindsOwner_ThenManager_ThenRecycles()
    {
        var sla = Sla with { ManagerAfter = TimeSpan.FromHours(2), RecycleAfter = TimeSpan.FromHours(3), RecycleTo = "west" };
        var lead = LeadLifecycle.Touch(Pushed(sla: sla), "call", null, "ann", Now).Lead;

        Assert.False(LeadLifecycle.FollowUp(lead, [], Now + TimeSpan.FromMinutes(59)).Changed);
        var first = LeadLifecycle.FollowUp(lead, [], Now + TimeSpan.FromHours(1));
        Assert.Equal((1, Now + TimeSpan.FromHours(2)), (first.Lead.StaleStage, first.Lead.StaleCheckAt));
        var second = LeadLifecycle.FollowUp(first.Lead, ["mia"], Now + TimeSpan.FromHours(2));
        Assert.Equal("mia", second.Events[0].RepId);
        var third = LeadLifecycle.FollowUp(second.Lead, ["mia"], Now + TimeSpan.FromHours(3));
        Assert.Equal((LeadStatus.Pooled, "west"), (third.Lead.Status, third.Lead.PoolId));
    }

    [Fact]
    public void PoolEscalation_MovesOnce_AndARefusedRepLeavesItEscalatedInThePool()
    {
        var pooled = LeadLifecycle.Pool(New(), "west", Now);
        var toRep = new PoolEscalation("west", TimeSpan.FromMinutes(30), "move", "rep:ann", []);

        Assert.False(LeadLifecycle.EscalateFromPool(pooled, toRep, Now + TimeSpan.FromMinutes(29)).Changed);
        var step = LeadLifecycle.EscalateFromPool(pooled, toRep, Now + TimeSpan.FromMinutes(30));
        Assert.Equal((Then.Assign, "ann", Handover.Escalated), (step.Then, step.AssignTo, step.Handover));

        var refusal = LeadLifecycle.Assign(step.Lead, Rep("ann", status: RepStatus.Offline), [], Handover.Escalated, null, Now).Refused!;
        var kept = LeadLifecycle.EscalationRefused(step.Lead, toRep, refusal, Now).Lead;
        Assert.Equal((LeadStatus.Pooled, "west"), (kept.Status, kept.PoolId));
        Assert.False(LeadLifecycle.EscalateFromPool(kept, toRep, Now + TimeSpan.FromHours(1)).Changed); // once per stay

        var moved = LeadLifecycle.EscalateFromPool(pooled, toRep with { To = "pool:east" }, Now + TimeSpan.FromMinutes(30)).Lead;
        Assert.Equal(("east", Now + TimeSpan.FromMinutes(30)), (moved.PoolId, moved.PooledAt));
    }
}
