using Switchboard.Routing.Model;

namespace Switchboard.Routing.Flows;

/// <summary>A rule's SLA as written in a flow: <c>sla: { acceptWithin: 5m, firstTouchWithin: 15m, businessHours: true, onBreach: reassign, remindBefore: 1m, awayAfterBreaches: 3, breachWindow: 1d }</c>.</summary>
public sealed class SlaDocument
{
    public string? AcceptWithin { get; set; }
    public string? FirstTouchWithin { get; set; }
    public bool? BusinessHours { get; set; }

    /// <summary><c>reassign</c> (default: the next eligible rep, never a previous holder), <c>pool:ID</c>, or <c>escalate</c> (to the team's manager).</summary>
    public string? OnBreach { get; set; }
    public string? RemindBefore { get; set; }
    public int? AwayAfterBreaches { get; set; }
    public string? BreachWindow { get; set; }

    /// <summary>No activity for this long: remind the owner; after <see cref="ManagerAfter"/> their manager; after <see cref="RecycleAfter"/> the lead goes to <see cref="RecycleTo"/>.</summary>
    public string? UntouchedAfter { get; set; }
    public string? ManagerAfter { get; set; }
    public string? RecycleAfter { get; set; }
    public string? RecycleTo { get; set; }
}

/// <summary>A compiled SLA: how long the owner has to accept and to first touch, what a breach does.</summary>
public sealed record SlaPolicy(
    TimeSpan? AcceptWithin,
    TimeSpan? FirstTouchWithin,
    bool BusinessHours,
    string OnBreach,
    TimeSpan? RemindBefore = null,
    int? AwayAfterBreaches = null,
    TimeSpan? BreachWindow = null,
    TimeSpan? UntouchedAfter = null,
    TimeSpan? ManagerAfter = null,
    TimeSpan? RecycleAfter = null,
    string? RecycleTo = null)
{
    public static (SlaPolicy? Policy, List<(string Field, string Message)> Errors) Compile(SlaDocument doc)
    {
        var errors = new List<(string, string)>();
        TimeSpan? Duration(string? text, string field)
        {
            if (text is null)
            {
                return null;
            }

            if (Durations.TryParse(text, out var span) && span > TimeSpan.Zero)
            {
                return span;
            }

            errors.Add((field, $"'{text}' is not {Durations.Expected}"));
            return null;
        }

        var accept = Duration(doc.AcceptWithin, "acceptWithin");
        var touch = Duration(doc.FirstTouchWithin, "firstTouchWithin");
        var remind = Duration(doc.RemindBefore, "remindBefore");
        var window = Duration(doc.BreachWindow, "breachWindow");
        var untouched = Duration(doc.UntouchedAfter, "untouchedAfter");
        var manager = Duration(doc.ManagerAfter, "managerAfter");
        var recycle = Duration(doc.RecycleAfter, "recycleAfter");
        if ((recycle is null) != (doc.RecycleTo is null))
        {
            errors.Add(("recycleTo", "recycleAfter and recycleTo (a pool) go together"));
        }

        if ((manager is not null || recycle is not null) && untouched is null)
        {
            errors.Add(("untouchedAfter", "managerAfter and recycleAfter follow untouchedAfter (the owner is reminded first)"));
        }

        if (untouched is { } u && ((manager is { } m && m <= u) || (recycle is { } r && (r <= u || (manager is { } m2 && r <= m2)))))
        {
            errors.Add(("untouchedAfter", "untouchedAfter < managerAfter < recycleAfter"));
        }
        var onBreach = doc.OnBreach?.Trim() ?? "reassign";
        if (onBreach is not ("reassign" or "escalate") && !(onBreach.StartsWith("pool:", StringComparison.Ordinal) && onBreach.Length > 5))
        {
            errors.Add(("onBreach", $"'{onBreach}' is not one of reassign, pool:ID, escalate"));
        }

        if (accept is null && touch is null && untouched is null && errors.Count == 0)
        {
            errors.Add(("acceptWithin", "an SLA needs acceptWithin, firstTouchWithin or untouchedAfter"));
        }

        if (doc.AwayAfterBreaches is < 1)
        {
            errors.Add(("awayAfterBreaches", "at least 1"));
        }

        return errors.Count > 0 ? (null, errors) : (new SlaPolicy(accept, touch, doc.BusinessHours ?? false, onBreach, remind, doc.AwayAfterBreaches, window ?? TimeSpan.FromDays(1), untouched, manager, recycle, doc.RecycleTo), errors);
    }

    /// <summary>
    /// The moment <paramref name="span"/> after <paramref name="start"/>: on the clock, or — for business-hours
    /// SLAs — counting only the rep's working time in their zone, so a lead at 17:55 with 15 minutes is due
    /// at 09:10 the next working day. Without working hours every hour counts.
    /// </summary>
    public DateTimeOffset Due(DateTimeOffset start, TimeSpan span, Rep rep)
    {
        if (!BusinessHours || rep.WorkingHours is not { } hours)
        {
            return start + span;
        }

        var zone = CapPeriods.FindZone(rep.TimeZone);
        var local = TimeZoneInfo.ConvertTime(start, zone).DateTime;
        var left = span;
        for (var day = 0; day < 370; day++)
        {
            var date = local.Date.AddDays(day);
            var blocks = hours.Days.TryGetValue(date.DayOfWeek, out var b) ? b : [];
            foreach (var block in blocks.OrderBy(x => x.Start))
            {
                var from = date + block.Start.ToTimeSpan();
                var to = date + (block.End?.ToTimeSpan() ?? TimeSpan.FromDays(1));
                if (to <= local)
                {
                    continue;
                }

                if (from < local)
                {
                    from = local;
                }

                if (to - from >= left)
                {
                    var dueLocal = DateTime.SpecifyKind(from + left, DateTimeKind.Unspecified);
                    return new DateTimeOffset(dueLocal, zone.GetUtcOffset(dueLocal)).ToUniversalTime();
                }

                left -= to - from;
            }
        }

        return start + span; // nobody works a year without a single block: treat as round the clock
    }
}
