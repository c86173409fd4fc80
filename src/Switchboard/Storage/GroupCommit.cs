using System.Threading.Channels;

namespace Switchboard.Storage;

/// <summary>
/// Group commit: one writer takes whatever requests are waiting, commits them together in one
/// transaction (<see cref="CommitAsync"/>, in arrival order), and answers each caller only after that
/// commit. A quiet service commits groups of one. A group that loses a deadlock to another instance
/// (PostgreSQL) runs again; a group that fails otherwise is tried again request by request, so an
/// error fails that request only.
/// </summary>
public abstract class GroupCommit<TRequest, TAnswer>(ILogger log, int maxGroup, int capacity) : BackgroundService
{
    private sealed record Waiting(TRequest Request, TaskCompletionSource<TAnswer> Answer);

    private readonly Channel<Waiting> _waiting = Channel.CreateBounded<Waiting>(
        new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Commits the group's requests in one transaction; one answer per request, in order.</summary>
    protected abstract Task<TAnswer[]> CommitAsync(IReadOnlyList<TRequest> group, CancellationToken ct);

    /// <summary>Queues the request and waits for its commit.</summary>
    protected async Task<TAnswer> SubmitAsync(TRequest request, CancellationToken ct)
    {
        var waiting = new Waiting(request, new TaskCompletionSource<TAnswer>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _waiting.Writer.WriteAsync(waiting, ct);

        // The request commits even if this caller goes away meanwhile (a capture's retry with its
        // Idempotency-Key finds it).
        return await waiting.Answer.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var group = new List<Waiting>(maxGroup);
        try
        {
            while (await _waiting.Reader.WaitToReadAsync(stoppingToken))
            {
                while (group.Count < maxGroup && _waiting.Reader.TryRead(out var next))
                {
                    group.Add(next);
                }

                // A group taken is finished even while stopping: it may already be routed in memory.
                await WriteAsync(group, CancellationToken.None);
                group.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what was not written is answered as not done, so no caller waits for ever.
            foreach (var w in group)
            {
                w.Answer.TrySetCanceled(stoppingToken);
            }

            while (_waiting.Reader.TryRead(out var left))
            {
                left.Answer.TrySetCanceled(stoppingToken);
            }
        }
    }

    private async Task WriteAsync(List<Waiting> group, CancellationToken ct, int attempt = 1)
    {
        try
        {
            var answers = await CommitAsync([.. group.Select(w => w.Request)], ct);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Answer.TrySetResult(answers[i]);
            }
        }
        catch (Exception e) when (attempt < 5 && StorageExtensions.IsTransient(e))
        {
            // Lost a deadlock to another instance (PostgreSQL): nothing was committed, run it again.
            await WriteAsync(group, ct, attempt + 1);
        }
        catch (Exception e) when (group.Count > 1 && e is not OperationCanceledException)
        {
            // Something in the group failed and nothing of it was committed: each request again on its own.
            log.LogWarning(e, "A group of {Count} failed; trying each alone", group.Count);
            foreach (var w in group)
            {
                await WriteAsync([w], ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            group[0].Answer.TrySetException(e);
        }
    }
}
