using Microsoft.EntityFrameworkCore;
using Switchboard.Storage;

namespace Switchboard.Auth;

/// <summary>What API keys and people are granted: a role, a rep record (reps), teams (managers).</summary>
public static class Grants
{
    /// <summary>People are admins, managers or reps; integrations use keys.</summary>
    public static readonly string[] PersonRoles = [Roles.Admin, Roles.Manager, Roles.Rep];

    /// <summary>
    /// What a key or a person is granted, checked the same way for both: a known role, a rep bound to an
    /// existing rep record (reps only), a manager's existing teams.
    /// </summary>
    public static async Task CheckAsync(SwitchboardDb db, FieldErrors errors, string? role, string? repId, IReadOnlyCollection<string> teamIds, IReadOnlyList<string> roles, string what, CancellationToken ct)
    {
        if (role is null || !roles.Contains(role))
        {
            errors.Add("role", $"required: one of {string.Join(", ", roles)}");
        }

        if (role == Roles.Rep)
        {
            if (repId is null)
            {
                errors.Add("repId", $"required for a rep {what}");
            }
            else if (!await db.Reps.AnyAsync(r => r.Id == repId, ct))
            {
                errors.Add("repId", $"rep '{repId}' does not exist");
            }
        }
        else if (repId is not null)
        {
            errors.Add("repId", $"only rep {what}s are bound to a rep");
        }

        if (role == Roles.Manager && teamIds.Count == 0)
        {
            errors.Add("teamIds", $"a manager {what} needs the teams it manages");
        }

        var known = await db.Teams.Where(t => teamIds.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct);
        foreach (var missing in teamIds.Except(known))
        {
            errors.Add("teamIds", $"team '{missing}' does not exist");
        }
    }
}
