using System.Globalization;

namespace Switchboard.Routing.Flows;

/// <summary>Durations as flows write them: <c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>.</summary>
public static class Durations
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length < 2 ||
            !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            return false;
        }

        duration = text[^1] switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => default,
        };
        return duration > TimeSpan.Zero;
    }

    public static string Format(TimeSpan d) =>
        d.TotalDays >= 1 && d.TotalDays == Math.Floor(d.TotalDays) ? $"{d.TotalDays}d" :
        d.TotalHours >= 1 && d.TotalHours == Math.Floor(d.TotalHours) ? $"{d.TotalHours}h" :
        d.TotalMinutes >= 1 && d.TotalMinutes == Math.Floor(d.TotalMinutes) ? $"{d.TotalMinutes}m" : $"{d.TotalSeconds}s";

    public const string Expected = "a duration such as 30s, 5m, 2h or 1d";
}
