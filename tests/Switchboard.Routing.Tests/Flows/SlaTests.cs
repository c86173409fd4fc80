using CsCheck;
using Switchboard.Routing.Flows;
using Switchboard.Routing.Model;

namespace Switchboard.Routing.Tests.Flows;

public class SlaTests
{
    private static readonly WorkingHours NineToFive = new(new Dictionary<DayOfWeek, IReadOnlyList<TimeBlock>>
    {
        [DayOfWeek.Monday] = [new(new TimeOnly(9, 0), new TimeOnly(12, 0)), new(new TimeOnly(13, 0), new TimeOnly(17, 0))],
        [DayOfWeek.Tuesday] = [new(new TimeOnly(9, 0), new TimeOnly(17, 0))],
        [DayOfWeek.Friday] = [new(new TimeOnly(9, 0), new TimeOnly(17, 0))],
        [DayOfWeek.Sunday] = [new(new TimeOnly(9, 0), new TimeOnly(17, 0))],
    });

    private static readonly Rep Berlin = new() { Id = "b", TimeZone = "Europe/Berlin", WorkingHours = NineToFive };
    private static readonly SlaPolicy BusinessHours = new(TimeSpan.FromMinutes(5), null, true, "reassign");

    [Theory]
    [InlineData("2026-11-23T10:00:00Z", 15, "2026-11-23T10:15:00Z")] // 11:00 Berlin, inside the morning block
    [InlineData("2026-11-23T10:55:00Z", 15, "2026-11-23T12:10:00Z")] // 11:55: five minutes before lunch, ten after
    [InlineData("2026-11-23T15:58:00Z", 5, "2026-11-24T08:03:00Z")] // 16:58 Monday: 09:03 Tuesday
    [InlineData("2026-11-24T20:00:00Z", 30, "2026-11-27T08:30:00Z")] // Tuesday night: Wednesday and Thursday off
    [InlineData("2026-03-28T20:00:00Z", 60, "2026-03-29T08:00:00Z")] // Saturday night; Sunday is the first day of summer time (UTC+2)
    public void Due_CountsOnlyWorkingTimeInTheRepsZone(string start, int minutes, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            BusinessHours.Due(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(minutes), Berlin));
    }

    [Fact]
    public void Due_WithoutBusinessHoursOrWorkingHours_IsPlainClockTime()
    {
        var start = new DateTimeOffset(2026, 11, 23, 22, 0, 0, TimeSpan.Zero);
        Assert.Equal(start.AddMinutes(5), (BusinessHours with { BusinessHours = false }).Due(start, TimeSpan.FromMinutes(5), Berlin));
        Assert.Equal(start.AddMinutes(5), BusinessHours.Due(start, TimeSpan.FromMinutes(5), Berlin with { WorkingHours = null }));
    }

    [Fact]
    public void Due_IsMonotonic_NeverEarlierThanClockTime_AndInUtc()
    {
        var gen = Gen.Select(Gen.Int[0, 60 * 24 * 14], Gen.Int[1, 600], Gen.Int[1, 600]);
        gen.Sample((offset, a, b) =>
        {
            var start = new DateTimeOffset(2026, 3, 20, 0, 0, 0, TimeSpan.Zero).AddMinutes(offset);
            var (short_, long_) = (Math.Min(a, b), Math.Max(a, b));
            var first = BusinessHours.Due(start, TimeSpan.FromMinutes(short_), Berlin);
            var second = BusinessHours.Due(start, TimeSpan.FromMinutes(long_), Berlin);
            return first <= second && first >= start.AddMinutes(short_) && first.Offset == TimeSpan.Zero;
        }, iter: 500);
    }
}
