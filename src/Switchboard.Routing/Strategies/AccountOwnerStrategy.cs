using Switchboard.Leads;
using Switchboard.Routing.Model;

namespace Switchboard.Routing.Strategies;

/// <summary>Options of <see cref="AccountOwnerStrategy"/>: none.</summary>
public sealed record AccountOwnerOptions
{
    /// <summary>Takes no options: any key given is an error.</summary>
    public static AccountOwnerOptions Read(OptionReader options) => new();
}

/// <summary>
/// Sticky routing: a lead from a company the team already works (an account, or an earlier lead with the
/// same domain or company name) goes to that owner when they are eligible. Otherwise the rule falls
/// through to the next one unless it says otherwise.
/// </summary>
public sealed class AccountOwnerStrategy(AccountOwnerOptions options) : IRoutingStrategy
{
    public const string StrategyName = "account-owner";

    public AccountOwnerOptions Options { get; } = options;

    public string Name => StrategyName;

    public bool NeedsAccount => true;

    public bool FallsThroughByDefault => true;

    public Func<RepState, string?> FilterFor(Lead lead, DateTimeOffset now)
    {
        if (lead.Account is not { } account)
        {
            return _ => "no account or earlier lead of this company has an owner";
        }

        var notOwner = $"not the owner ({account.OwnerRepId} owns it: {account.MatchedBy})";
        return rep => rep.Id == account.OwnerRepId ? null : notOwner;
    }

    public StrategyPick Pick(StrategyInput input)
    {
        var rep = input.Eligible[0];
        return new StrategyPick(rep, input.State with { Pointer = rep.Id }, $"account-owner: {rep.Id} owns the company ({input.Lead.Account!.MatchedBy})");
    }
}
