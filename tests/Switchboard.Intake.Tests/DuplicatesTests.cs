using CsCheck;

namespace Switchboard.Intake.Tests;

public class DuplicatesTests
{
    private static PersonKeys Keys(string id, string? email = null, string? phone = null, string? first = null, string? last = null, string? company = null) =>
        new(id, Normalize.Email(email), Normalize.Phone(phone, "DE"), Normalize.PersonName(first), Normalize.PersonName(last), Normalize.CompanyKey(company), null);

    [Fact]
    public void Find_StrongestSignalWins()
    {
        var existing = new[]
        {
            Keys("l1", email: "jane@acme.io"),
            Keys("l2", phone: "030 12345678"),
            Keys("l3", first: "Jonathan", last: "Smith", company: "Globex GmbH"),
        };

        Assert.Equal(new DuplicateMatch("l1", "same email jane@acme.io"), Duplicates.Find(Keys("new", email: " JANE@acme.IO "), existing, DedupeRules.Default));
        Assert.Equal("l2", Duplicates.Find(Keys("new", phone: "+49 30 12345678"), existing, DedupeRules.Default)?.ExistingId);
        Assert.Equal("l3", Duplicates.Find(Keys("new", first: "Jonathon", last: "Smith", company: "GLOBEX"), existing, DedupeRules.Default)?.ExistingId);
        Assert.Null(Duplicates.Find(Keys("new", first: "Jonathan", last: "Smith", company: "Initech"), existing, DedupeRules.Default));
        Assert.Null(Duplicates.Find(Keys("new", email: "jane@acme.io"), existing, DedupeRules.Default with { ByEmail = false }));
    }

    [Fact]
    public void JaroWinkler_SymmetricBoundedAndOneOnlyForEqualStrings()
    {
        var word = Gen.Char["abcde"].Array[0, 10].Select(a => new string(a));
        Gen.Select(word, word).Sample((a, b) =>
        {
            var s = Duplicates.JaroWinkler(a, b);
            Assert.InRange(s, 0, 1);
            Assert.Equal(s, Duplicates.JaroWinkler(b, a), 9);
            Assert.Equal(a == b, s >= 1 - 1e-12);
        }, iter: 20_000);
    }
}
