namespace Switchboard.Routing.Strategies;

/// <summary>Names reps and flows write (skills, languages, territories), compared case-insensitively.</summary>
internal static class Names
{
    /// <summary>Whether the list holds the name; by index, since it is asked for every rep of a team for every lead.</summary>
    public static bool Include(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
