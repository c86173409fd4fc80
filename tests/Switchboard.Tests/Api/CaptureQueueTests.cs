using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Storage;

namespace Switchboard.Tests.Api;

/// <summary>Leads that arrive together share one commit; one that cannot be stored fails alone.</summary>
public sealed class CaptureQueueTests() : HostedTests(new SqliteDatabase())
{
    protected override Task SetUpAsync() => RoundRobinTeamAsync("a", "b", "c");

    [Fact]
    public async Task OneLeadTheDatabaseRefuses_FailsAlone_EveryOtherLeadOfItsGroupIsStored()
    {
        // The database itself refuses one lead, as a full disk or a constraint would, in the middle of a group.
        await using (var scope = Host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<SwitchboardDb>().Database.ExecuteSqlRawAsync(
                "CREATE TRIGGER refuse_boom BEFORE INSERT ON leads WHEN NEW.Email = 'boom@example.com' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");
        }

        var emails = Enumerable.Range(0, 40).Select(i => i == 17 ? "boom@example.com" : $"ok{i}@example.com").ToList();
        var answers = await Task.WhenAll(emails.Select(async email =>
        {
            using var client = Host.Client(ServiceHost.AdminKey);
            var response = await client.PostAsJsonAsync("/api/leads", new { email });
            return (email, response.StatusCode);
        }));

        Assert.Equal(HttpStatusCode.InternalServerError, answers.Single(a => a.email == "boom@example.com").StatusCode);
        Assert.All(answers.Where(a => a.email != "boom@example.com"), a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        var stored = (await Admin.AllLeads()).Select(l => l["email"].Str()).Order().ToList();
        Assert.Equal(emails.Where(e => e != "boom@example.com").Order(), stored);

        // Every acknowledged lead was routed, and the rotation did not skip or double a turn for the refused one.
        var owners = (await Admin.AllLeads()).GroupBy(l => l["ownerRepId"].Str()).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(39, owners.Values.Sum());
        Assert.All(owners.Values, n => Assert.InRange(n, 13, 13));
    }
}
