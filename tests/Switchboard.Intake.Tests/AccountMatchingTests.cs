namespace Switchboard.Intake.Tests;

public class AccountMatchingTests
{
    private static readonly AccountKeys[] Accounts =
    [
        new("acme", Normalize.CompanyKey("Acme Corporation"), ["acme.com", "acme.de"]),
        new("initech", Normalize.CompanyKey("Initech Systems Inc."), ["initech.io"]),
        new("initrode", Normalize.CompanyKey("Initrode GmbH"), []),
    ];

    [Theory]
    [InlineData("acme.de", null, "acme", "domain acme.de")]
    [InlineData("eu.sales.acme.com", null, "acme", "domain eu.sales.acme.com under acme.com")]
    [InlineData(null, "Acme Corp.", "acme", "company name 'acme'")]
    [InlineData("other.org", "INITRODE", "initrode", "company name 'initrode'")]
    [InlineData(null, "Initech Sytems", "initech", "company name 'initech sytems' similar to 'initech systems' (0.96 ≥ 0.92)")]
    public void Match_ByDomainThenParentDomainThenNameThenSimilarName(string? domain, string? company, string expected, string reason)
    {
        Assert.Equal(new AccountHit(expected, reason), AccountMatching.Match(domain, Normalize.CompanyKey(company), Accounts));
    }

    [Theory]
    [InlineData("com", null)] // a top-level domain is nobody's
    [InlineData("notacme.com", null)]
    [InlineData(null, "Initial Tech")] // shares the block, not similar enough
    [InlineData(null, "Acne Labs")]
    public void Match_NothingCloseEnough_NoAccount(string? domain, string? company)
    {
        Assert.Null(AccountMatching.Match(domain, Normalize.CompanyKey(company), Accounts));
    }

    [Fact]
    public void Match_TheDomainBeatsTheName()
    {
        Assert.Equal("acme", AccountMatching.Match("acme.com", Normalize.CompanyKey("Initrode"), Accounts)!.AccountId);
    }
}
