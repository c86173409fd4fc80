using Microsoft.Data.Sqlite;

namespace Switchboard.Storage;

/// <summary>
/// Copies the SQLite write-ahead log into the database file once a second, on its own connection.
/// SQLite's default runs that checkpoint inside whichever writer's COMMIT crosses 1,000 log pages, so
/// every few group commits one caller waited for the copy and an fsync of the whole file; here writers
/// only append to the log. PASSIVE never blocks a writer or a reader; the writers keep a larger
/// automatic checkpoint (<see cref="SqlitePragmas.WriterAutoCheckpointPages"/>) as a safety net should
/// this loop fall behind.
/// </summary>
public sealed class SqliteCheckpointer(SwitchboardOptions options, ILogger<SqliteCheckpointer> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = StorageExtensions.SqliteConnectionString(options.Db);
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await using var connection = new SqliteConnection(connectionString);
                    await connection.OpenAsync(stoppingToken);
                    await using var cmd = connection.CreateCommand();
                    cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                    await cmd.ExecuteNonQueryAsync(stoppingToken);
                }
                catch (SqliteException e)
                {
                    // A busy or briefly missing file: the next tick tries again, and writers still checkpoint
                    // on their own past the safety net.
                    log.LogDebug(e, "WAL checkpoint skipped");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
