using CsCheck;

namespace Switchboard.Intake.Tests;

public class NormalizeTests
{
    private static readonly Gen<string> Word = Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"].Array[1, 12].Select(a => new string(a));
    private static readonly Gen<string> Tld = Gen.Int[0, 4].Select(i => new[] { "com", "de", "io", "co.uk", "org" }[i]);

    /// <summary>The same text as a person might type it: random case, full-width letters, stray spaces.</summary>
    private static Gen<string> Variant(string canonical) =>
        Gen.Select(Gen.Bool.Array[canonical.Length], Gen.Bool.Array[canonical.Length], Gen.Int[0, 3], Gen.Int[0, 3]).Select((upper, wide, before, after) =>
            new string(' ', before) +
            string.Concat(canonical.Select((c, i) =>
            {
                var cased = upper[i] ? char.ToUpperInvariant(c) : c;
                return wide[i] && cased is >= '!' and <= '~' ? ((char)(cased + 0xFEE0)).ToString() : cased.ToString();
            })) +
            new string(' ', after));

    [Fact]
    public void EveryNormalizer_IsIdempotent_On100kArbitraryStrings()
    {
        var text = Gen.OneOf(
            Gen.String,
            Gen.Char["abcXYZ@.+-() 0123456789ＡＢ＠．éü\t"].Array[0, 30].Select(a => new string(a)));

        Gen.Select(text, Gen.Int[0, 3]).Sample((s, country) =>
        {
            var iso = new[] { "DE", "US", "GB", null }[country];
            void Idempotent(string name, Func<string?, string?> f)
            {
                var once = f(s);
                var twice = f(once);
                Assert.True(once == twice, $"{name}: '{s}' → '{once}' → '{twice}'");
            }

            Idempotent("email", Normalize.Email);
            Idempotent("phone", x => Normalize.Phone(x, iso));
            Idempotent("domain", Normalize.Domain);
            Idempotent("country", Normalize.Country);
            Idempotent("name", Normalize.PersonName);
            Idempotent("text", Normalize.Text);
            Idempotent("companyKey", Normalize.CompanyKey);
        }, iter: 100_000);
    }

    [Fact]
    public void Email_VariantsOfOneAddressCollide_DistinctAddressesDoNot()
    {
        var address = Gen.Select(Word, Word, Tld).Select((local, domain, tld) => $"{local}@{domain}.{tld}");

        Gen.Select(address, address).SelectMany((a, b) => Gen.Select(Variant(a), Variant(b), (va, vb) => (a, b, va, vb))).Sample(t =>
        {
            Assert.Equal(t.a, Normalize.Email(t.va));
            Assert.Equal(t.a == t.b, Normalize.Email(t.va) == Normalize.Email(t.vb));
        }, iter: 20_000);
    }

    [Fact]
    public void Phone_WaysOfWritingOneNumberCollide_DistinctNumbersDoNot()
    {
        // Berlin numbers: 030 + 8 digits; US numbers: area code 201-989 + 555-01xx style lines.
        var berlin = Gen.Int[10_000_000, 99_999_999].Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Gen.Select(berlin, berlin, Gen.Int[0, 4]).Sample((a, b, style) =>
        {
            string Write(string n) => style switch
            {
                0 => $"030 {n}",
                1 => $"(030) {n[..4]}-{n[4..]}",
                2 => $"+49 30 {n}",
                3 => $"+49 (0)30 {n[..3]} {n[3..]}",
                _ => $"0049 30 {n}",
            };

            Assert.Equal($"+4930{a}", Normalize.Phone(Write(a), "DE"));
            Assert.Equal(a == b, Normalize.Phone(Write(a), "DE") == Normalize.Phone(Write(b), "DE"));
        }, iter: 20_000);

        Assert.Equal("+14155550123", Normalize.Phone("(415) 555-0123", "US"));
        Assert.Equal("+14155550123", Normalize.Phone("415.555.0123", "US"));
        Assert.Equal("+14155550123", Normalize.Phone("+1 415 555 0123", "DE"));
    }

    [Theory]
    [InlineData("https://www.Acme.com/contact?x=1", "acme.com")]
    [InlineData("ACME.COM/", "acme.com")]
    [InlineData("http://shop.acme.co.uk:8080", "shop.acme.co.uk")]
    [InlineData("www.www.example.org", "example.org")]
    [InlineData("münchen.de", "xn--mnchen-3ya.de")]
    [InlineData("localhost", null)]
    public void Domain_FromWebsiteOrBareDomain(string raw, string? expected) => Assert.Equal(expected, Normalize.Domain(raw));

    [Theory]
    [InlineData("Germany", "DE")]
    [InlineData("deutschland", "DE")]
    [InlineData("DEU", "DE")]
    [InlineData(" de ", "DE")]
    [InlineData("United States of America", "US")]
    [InlineData("U.S.A.", "US")]
    [InlineData("UK", "GB")]
    [InlineData("Österreich", "AT")]
    [InlineData("Côte d’Ivoire", "CI")]
    [InlineData("Narnia", "Narnia")]
    public void Country_NamesAndCodesToIso3166(string raw, string expected) => Assert.Equal(expected, Normalize.Country(raw));

    [Fact]
    public void Country_EveryCodeAndEnglishNameOfEveryRegion_MapsToItsCode()
    {
        var regions = System.Globalization.CultureInfo.GetCultures(System.Globalization.CultureTypes.SpecificCultures)
            .Select(c => new System.Globalization.RegionInfo(c.Name))
            .Where(r => r.TwoLetterISORegionName.Length == 2 && r.TwoLetterISORegionName.All(char.IsAsciiLetterUpper))
            .DistinctBy(r => r.TwoLetterISORegionName)
            .ToList();

        Assert.True(regions.Count > 100);
        Assert.All(regions, r =>
        {
            Assert.Equal(r.TwoLetterISORegionName, Normalize.Country(r.TwoLetterISORegionName.ToLowerInvariant()));
            Assert.Equal(r.TwoLetterISORegionName, Normalize.Country(r.ThreeLetterISORegionName));
            Assert.Equal(r.TwoLetterISORegionName, Normalize.Country(r.EnglishName.ToUpperInvariant()));
        });
    }

    [Theory]
    [InlineData("  JOHN   smith ", "John Smith")]
    [InlineData("mary-jane o'neil", "Mary-Jane O'neil")]
    [InlineData("McDonald", "McDonald")]
    public void PersonName_TrimmedAndCasedOnlyWhenTypedInOneCase(string raw, string expected) => Assert.Equal(expected, Normalize.PersonName(raw));

    [Fact]
    public void CompanyDomainFromEmail_SkipsFreeMail()
    {
        Assert.Equal("acme.io", Normalize.CompanyDomainFromEmail("Jane@ACME.io"));
        Assert.Null(Normalize.CompanyDomainFromEmail("jane@gmail.com"));
        Assert.Equal("acme", Normalize.CompanyKey("ACME, Inc."));
        Assert.Equal(Normalize.CompanyKey("Acme GmbH"), Normalize.CompanyKey("acme"));
    }
}
