using Switchboard.Storage;

namespace Switchboard.Work;

/// <summary>What ending an offer does to a lead, whoever ends it (a decline, the clock).</summary>
public static class LeadOffers
{
    /// <summary>Withdraws the offer from <paramref name="reps"/> and leaves them out when the lead is routed again.</summary>
    public static void LeaveOut(LeadRow lead, IEnumerable<string> reps)
    {
        lead.ExcludedRepIds = [.. lead.ExcludedRepIds.Union(reps)];
        lead.OfferedRepIds = [.. lead.OfferedRepIds.Except(reps)];
        if (lead.OfferedRepIds.Length == 0)
        {
            lead.OfferExpiresAt = null;
        }
    }
}
