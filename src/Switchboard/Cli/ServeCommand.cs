using System.CommandLine;
using Microsoft.AspNetCore.Builder;

namespace Switchboard.Cli;

/// <summary><c>switchboard serve</c>: runs the HTTP service.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string?>("--urls") { Description = $"Where to listen (default {SwitchboardApp.DefaultUrl})" };
        var db = new Option<string?>("--db") { Description = "SQLite file or connection string, or a PostgreSQL connection string (default ./data/switchboard.db)" };
        var command = new Command("serve", "Run the Switchboard HTTP service") { urls, db };
        command.SetAction(async (parse, ct) =>
        {
            var args = new List<string>();
            if (parse.GetValue(urls) is { } u)
            {
                args.AddRange(["--urls", u]);
            }

            if (parse.GetValue(db) is { } d)
            {
                args.AddRange(["--DB", d]);
            }

            WebApplication app;
            try
            {
                app = await SwitchboardApp.CreateAsync([.. args]);
            }
            catch (SettingsException e)
            {
                await Console.Error.WriteLineAsync($"switchboard: {e.Message}");
                return 2;
            }

            await using (app)
            {
                await app.RunAsync(ct);
            }

            return 0;
        });
        return command;
    }
}
