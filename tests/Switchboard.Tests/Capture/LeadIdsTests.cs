using Switchboard.Capture;

namespace Switchboard.Tests.Capture;

public sealed class LeadIdsTests
{
    [Fact]
    public void IdsMadeInOneMillisecond_SortInTheOrderTheyWereMade_AndAreVersion7()
    {
        var at = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 10_000).Select(_ => LeadIds.Next(at)).ToList();

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids.Select(Guid.Parse), g => Assert.Equal(7, g.Version));
        Assert.All(ids.Select(Guid.Parse), g => Assert.Equal(0b10, g.Variant >> 2));

        // Later moments keep sorting after them, and the clock going back does not break the order.
        var later = LeadIds.Next(at.AddSeconds(1));
        var back = LeadIds.Next(at.AddSeconds(-1));
        Assert.True(string.CompareOrdinal(ids[^1], later) < 0 && string.CompareOrdinal(later, back) < 0);
    }
}
