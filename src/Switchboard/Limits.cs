using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;

namespace Switchboard;

/// <summary>
/// The documented maximum of a text field (characters) or a list (items) of a request body, checked by
/// <see cref="Limits.Check"/> for every body the API reads; past it, a 400 naming the field.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class LimitAttribute(int max) : ValidationAttribute
{
    public int Max { get; } = max;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) => value switch
    {
        string s when s.Length > Max => new ValidationResult($"at most {Max:N0} characters", [validationContext.MemberName!]),
        ICollection c when c.Count > Max => new ValidationResult($"at most {Max:N0} items", [validationContext.MemberName!]),
        _ => ValidationResult.Success,
    };
}

/// <summary>The maximum sizes of what the API takes, in one place.</summary>
public static class Limits
{
    /// <summary>Names of teams, reps, pools, accounts, forms, keys, calendars.</summary>
    public const int Name = 200;

    /// <summary>Reasons and comments (decline, status, reassign, feedback).</summary>
    public const int Reason = 1_000;

    /// <summary>An activity's note.</summary>
    public const int Note = 10_000;

    /// <summary>URLs (webhook targets, thank-you pages).</summary>
    public const int Url = 2_000;

    /// <summary>Short lists (skills, languages, territories, teams of a rep, domains of an account, events, origins).</summary>
    public const int ShortList = 100;

    /// <summary>Long lists (members of a pool, holiday dates, a webhook's reps).</summary>
    public const int LongList = 1_000;

    /// <summary>The last page number a list takes (beyond it, narrow the filters).</summary>
    public const int MaxPage = 100_000;

    /// <summary>Items on one page of a list.</summary>
    public const int MaxPageSize = 200;

    /// <summary>A list's <c>page</c> and <c>pageSize</c>, each within its bounds.</summary>
    public static void CheckPage(FieldErrors errors, int? page, int? pageSize)
    {
        if (page is < 1 or > MaxPage)
        {
            errors.Add("page", $"between 1 and {MaxPage:N0}");
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors.Add("pageSize", $"between 1 and {MaxPageSize}");
        }
    }

    /// <summary>Adds an error for every field of <paramref name="input"/> past its <see cref="LimitAttribute"/>.</summary>
    public static void Check(object input, FieldErrors errors)
    {
        foreach (var property in input.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<LimitAttribute>() is not { } limit || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var context = new ValidationContext(input) { MemberName = property.Name };
            if (limit.GetValidationResult(property.GetValue(input), context) is { ErrorMessage: { } message })
            {
                errors.Add(Json.Options.PropertyNamingPolicy!.ConvertName(property.Name), message);
            }
        }
    }
}
