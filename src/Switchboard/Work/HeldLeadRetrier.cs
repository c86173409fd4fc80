using Microsoft.EntityFrameworkCore;
using Switchboard.Distribution;
using Switchboard.Storage;
using Switchboard.Routing.Lifecycle;

namespace Switchboard.Work;

/// <summary>
/// Retries held leads, oldest arrival first, on a timer and whenever something that could make a rep
/// eligible changes (a rep, a team, the flow). Each lead is re-routed in its own routing transaction,
/// so new leads are never blocked for long and two instances retrying at once cannot both route one lead.
/// </summary>
public sealed class HeldLeadRetrier(
    IServiceScopeFactory scopes, LeadRouting routing, TimeProvider time, SwitchboardOptions options, ILogger<HeldLeadRetrier> log)
    : BackgroundService
{
    private readonly SemaphoreSlim _poke = new(0, 1);

    /// <summary>One pass at a time in this process: a timer's pass and a poked one would only race each other.</summary>
    private readonly SemaphoreSlim _pass = new(1, 1);

    /// <summary>Asks for a retry pass soon, without waiting for the timer.</summary>
    public void Poke()
    {
        if (_poke.CurrentCount == 0)
        {
            try
            {
                _poke.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another caller poked at the same moment; one pass covers both.
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, options.HeldRetrySeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RetryAllAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError(e, "Retrying held leads failed; trying again in {Interval}", interval);
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            try
            {
                await Task.WhenAny(Task.Delay(interval, time, wake.Token), _poke.WaitAsync(wake.Token));
            }
            finally
            {
                await wake.CancelAsync();
            }
        }
    }

    /// <summary>
    /// One pass over every held lead in arrival order, all tried at the moment the pass began: a pass that
    /// straddles the start of working hours would otherwise route later arrivals before earlier ones.
    /// Returns how many left the hold.
    /// </summary>
    public async Task<int> RetryAllAsync(CancellationToken ct)
    {
        await _pass.WaitAsync(ct);
        try
        {
            return await RetryPassAsync(time.GetUtcNow(), ct);
        }
        finally
        {
            _pass.Release();
        }
    }

    private async Task<int> RetryPassAsync(DateTimeOffset now, CancellationToken ct)
    {
        List<string> held;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
            held = await db.Leads.AsNoTracking().Where(l => l.Status == LeadStatus.Held)
                .OrderBy(l => l.CreatedAt).ThenBy(l => l.Id).Select(l => l.Id).ToListAsync(ct);
        }

        var moved = 0;
        foreach (var id in held)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
            await using var tx = await db.BeginRoutingTransactionAsync(ct);
            var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == id, ct);
            if (lead is not { Status: LeadStatus.Held })
            {
                continue; // routed meanwhile by another instance or a person
            }

            var decision = await routing.RouteAsync(db, lead, "system", now, ct, retry: true);
            if (decision is null)
            {
                continue;
            }

            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            moved++;
        }

        if (moved > 0)
        {
            log.LogInformation("{Moved} of {Held} held leads routed on retry", moved, held.Count);
        }

        return moved;
    }
}
