namespace Switchboard.Tests;

/// <summary>
/// The real service on a fresh database for each test (SQLite file or PostgreSQL database, by subclass),
/// started before the test and removed after it.
/// </summary>
public abstract class HostedTests(TestDatabase database) : IAsyncLifetime
{
    private ServiceHost? _host;

    protected TestDatabase Database => database;

    /// <summary>The running service; a test that restarts it sets the new one here.</summary>
    protected ServiceHost Host
    {
        get => _host!;
        set => _host = value;
    }

    protected HttpClient Admin => Host.Admin;

    public async ValueTask InitializeAsync()
    {
        _host = await StartAsync(await database.CreateAsync());
        await SetUpAsync();
    }

    /// <summary>How the service starts; a test class with a fake clock or settings says so here.</summary>
    protected virtual Task<ServiceHost> StartAsync(string db) => ServiceHost.StartAsync(db);

    /// <summary>What every test of the class needs on the running service (teams, reps, flows…).</summary>
    protected virtual Task SetUpAsync() => Task.CompletedTask;

    /// <summary>Team <c>sdr</c> with these reps, and a flow rotating over it (fallback: pool <c>unassigned</c>).</summary>
    protected async Task RoundRobinTeamAsync(params string[] reps)
    {
        await Admin.PostOk("/api/teams", new { id = "sdr", name = "SDR" });
        foreach (var id in reps)
        {
            await Admin.PostOk("/api/reps", new { id, name = id.ToUpperInvariant(), teamIds = new[] { "sdr" } });
        }

        await Admin.PutFlow("rules:\n  - name: main\n    assign: { to: { team: sdr }, strategy: round-robin }\nfallback: { pool: unassigned }\n");
    }

    /// <summary>What a test class started beside the service (e.g. a receiver), stopped before the service.</summary>
    protected virtual ValueTask TearDownAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await TearDownAsync();
        if (_host is not null)
        {
            await _host.DisposeAsync();
            database.Delete(_host.Db);
        }

        GC.SuppressFinalize(this);
    }
}
