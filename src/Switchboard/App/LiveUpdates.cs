using Microsoft.EntityFrameworkCore;
using Switchboard.Storage;

namespace Switchboard.App;

/// <summary>A timeline entry just written: the lead it is about, what happened, the rep concerned.</summary>
public sealed record LeadChange(string LeadId, string Type, string? RepId);

/// <summary>
/// Tells open screens that leads changed, so an offered lead appears in a rep's inbox and a claimed one
/// leaves everyone's pool view without a reload (the screens re-read what they show; Blazor's circuit
/// carries the new page over SignalR). The source is the timeline every lead change writes, read every
/// quarter second by one query per instance — so changes made by another instance, the lead clock or
/// an import show too.
/// </summary>
public sealed class LiveUpdates(IServiceScopeFactory scopes, ILogger<LiveUpdates> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private const int MaxPerRead = 2_000;

    public event Action<IReadOnlyList<LeadChange>>? Changed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long last = -1;

        // Real time, not the service's TimeProvider: how fresh a screen is is not a business rule.
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
                if (last < 0)
                {
                    last = await db.LeadEvents.MaxAsync(e => (long?)e.Id, stoppingToken) ?? 0;
                    continue;
                }

                var changes = await db.LeadEvents.AsNoTracking().Where(e => e.Id > last).OrderBy(e => e.Id).Take(MaxPerRead)
                    .Select(e => new { e.Id, e.LeadId, e.Type, e.RepId }).ToListAsync(stoppingToken);
                if (changes.Count == 0 || Changed is not { } changed)
                {
                    last = changes.Count == 0 ? last : changes[^1].Id;
                    continue;
                }

                last = changes[^1].Id;
                IReadOnlyList<LeadChange> told = [.. changes.Select(c => new LeadChange(c.LeadId, c.Type, c.RepId))];
                foreach (var screen in changed.GetInvocationList().Cast<Action<IReadOnlyList<LeadChange>>>())
                {
                    try
                    {
                        screen(told);
                    }
                    catch (Exception e)
                    {
                        log.LogWarning(e, "A screen failed to take live updates");
                    }
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "Reading lead changes for live screens failed; trying again");
            }
        }
    }
}
