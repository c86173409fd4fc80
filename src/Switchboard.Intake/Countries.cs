using System.Globalization;

namespace Switchboard.Intake;

/// <summary>
/// Country names and codes to ISO 3166 alpha-2, built from .NET's region data (English and native names,
/// two- and three-letter codes, for every region a culture knows) plus the aliases people actually type.
/// </summary>
internal static class Countries
{
    private static readonly (string, string)[] Aliases =
    [
        ("USA", "US"), ("U.S.", "US"), ("U.S.A.", "US"), ("United States of America", "US"), ("America", "US"),
        ("UK", "GB"), ("U.K.", "GB"), ("Great Britain", "GB"), ("Britain", "GB"), ("England", "GB"), ("Scotland", "GB"), ("Wales", "GB"),
        ("Holland", "NL"), ("The Netherlands", "NL"), ("Czech Republic", "CZ"), ("South Korea", "KR"), ("Republic of Korea", "KR"),
        ("Russia", "RU"), ("Russian Federation", "RU"), ("UAE", "AE"), ("Emirates", "AE"), ("Vietnam", "VN"), ("Ivory Coast", "CI"),
        ("Turkey", "TR"), ("Deutschland", "DE"), ("Suisse", "CH"), ("Schweiz", "CH"), ("Österreich", "AT"), ("España", "ES"),
        ("Brasil", "BR"), ("México", "MX"), ("Italia", "IT"), ("Nederland", "NL"), ("Hong Kong", "HK"), ("Macau", "MO"),
    ];

    // Declared after Aliases: static fields initialize in order, and Build reads them.
    private static readonly Dictionary<string, string> ByKey = Build();

    public static string? Find(string text) => ByKey.TryGetValue(Key(text), out var code) ? code : null;

    private static string Key(string text) =>
        string.Concat(Normalize.RemoveDiacritics(text.ToLowerInvariant()).Where(char.IsLetterOrDigit));

    private static Dictionary<string, string> Build()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string name, string code)
        {
            var key = Key(name);
            if (key.Length > 0)
            {
                map.TryAdd(key, code);
            }
        }

        var regions = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
            .Select(c =>
            {
                try
                {
                    return new RegionInfo(c.Name);
                }
                catch (ArgumentException)
                {
                    return null;
                }
            })
            .OfType<RegionInfo>()
            .Where(r => r.TwoLetterISORegionName.Length == 2 && r.TwoLetterISORegionName.All(char.IsAsciiLetterUpper))
            .ToList();

        // Codes first, so a name can never shadow a code.
        foreach (var r in regions)
        {
            Add(r.TwoLetterISORegionName, r.TwoLetterISORegionName);
            Add(r.ThreeLetterISORegionName, r.TwoLetterISORegionName);
        }

        foreach (var r in regions)
        {
            Add(r.EnglishName, r.TwoLetterISORegionName);
            Add(r.NativeName, r.TwoLetterISORegionName);
        }

        foreach (var (alias, code) in Aliases)
        {
            map[Key(alias)] = code;
        }

        return map;
    }
}
