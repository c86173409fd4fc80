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
            Keys("l2", phone: "030 12345678", first: "Maria", last: "Weber"),
            Keys("l3", first: "Jonathan", last: "Smith", company: "Globex GmbH"),
        };

        Assert.Equal(new DuplicateMatch("l1", "same email jane@acme.io"), Duplicates.Find(Keys("new", email: " JANE@acme.IO "), existing, DedupeRules.Default));
        Assert.Equal(
            new DuplicateMatch("l2", "same phone +493012345678 and the same name (1.00 ≥ 0.92)"),
            Duplicates.Find(Keys("new", phone: "+49 30 12345678", first: "maria", last: "Weber"), existing, DedupeRules.Default));
        Assert.Equal("l3", Duplicates.Find(Keys("new", first: "Jonathon", last: "Smith", company: "GLOBEX"), existing, DedupeRules.Default)?.ExistingId);
        Assert.Null(Duplicates.Find(Keys("new", first: "Jonathan", last: "Smith", company: "Initech"), existing, DedupeRules.Default));
        Assert.Null(Duplicates.Find(Keys("new", email: "jane@acme.io"), existing, DedupeRules.Default with { ByEmail = false }));
    }

    [Fact]
    public void Phone_AloneOrWithAnotherName_MergesNothing_AConflictingEmailNeverMerges()
    {
        var existing = new[] { Keys("l1", email: "ada@acme.io", phone: "030 1234567", first: "Ada", last: "Byron") };

        Assert.Null(Duplicates.Find(Keys("new", phone: "030 1234567"), existing, DedupeRules.Default)); // no name to agree
        Assert.Null(Duplicates.Find(Keys("new", phone: "030 1234567", first: "Grace", last: "Hopper"), existing, DedupeRules.Default)); // the company's switchboard
        Assert.Null(Duplicates.Find(Keys("new", email: "ada.work@acme.io", phone: "030 1234567", first: "Ada", last: "Byron"), existing, DedupeRules.Default));
        Assert.Equal("l1", Duplicates.Find(Keys("new", phone: "030 1234567", first: "Ada", last: "Byron"), existing, DedupeRules.Default)?.ExistingId);
    }

    [Fact]
    public void Find_NeverMergesLeadsWhoseEmailsOrExternalIdsDiffer()
    {
        static Gen<string?> OneOf(params string?[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);
        var email = OneOf(null, "a@x.io", "b@x.io");
        var external = OneOf(null, "crm-1", "crm-2");
        var name = OneOf(null, "Ada", "Grace");
        var person = Gen.Select(email, external, name, Gen.Bool, Gen.Bool).Select((e, x, n, phone, company) =>
            new PersonKeys("?", e, phone ? "+4930123456" : null, n, n is null ? null : "Smith", company ? "acme" : null, null, x));
        Gen.Select(person, person.Array[0, 6]).Sample((incoming, stored) =>
        {
            var existing = stored.Select((p, i) => p with { Id = $"l{i}" }).ToList();
            var match = Duplicates.Find(incoming with { Id = "new" }, existing, DedupeRules.Default);
            if (match is not null)
            {
                var original = existing.Single(e => e.Id == match.ExistingId);
                Assert.False(Duplicates.Conflict(incoming, original), $"{incoming} merged into {original}: {match.Reason}");
                Assert.False(match.Reason.StartsWith("same phone", StringComparison.Ordinal) && incoming.FullName is null);
            }
        }, iter: 5_000);
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
