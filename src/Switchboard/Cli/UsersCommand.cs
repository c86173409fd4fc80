using System.CommandLine;
using Microsoft.AspNetCore.Identity;
using Switchboard.Auth;
using Switchboard.Notify;
using Switchboard.Storage;

namespace Switchboard.Cli;

/// <summary><c>switchboard users add</c>: creates a person who signs in to the app (the first admin, typically).</summary>
public static class UsersCommand
{
    public static Command Create()
    {
        var email = new Option<string>("--email") { Description = "Their email address: what they sign in with", Required = true };
        var role = new Option<string>("--role") { Description = "admin, manager or rep", Required = true };
        var rep = new Option<string?>("--rep") { Description = "For a rep: the rep record they are" };
        var teams = new Option<string[]>("--team") { Description = "For a manager: a team they manage (repeat for several)", AllowMultipleArgumentsPerToken = true };
        var password = new Option<string?>("--password") { Description = "Their password (at least 10 characters); without it a link to choose one is printed" };
        var db = new Option<string?>("--db") { Description = "SQLite file or connection string, or a PostgreSQL connection string (default ./data/switchboard.db)" };
        var add = new Command("add", "Add a person who signs in to the app") { email, role, rep, teams, password, db };
        add.SetAction(async (parse, ct) =>
        {
            string[] args = parse.GetValue(db) is { } d ? ["--DB", d] : [];
            WebApplication app;
            try
            {
                app = await SwitchboardApp.CreateAsync(args, console: TextWriter.Null);
            }
            catch (SettingsException e)
            {
                await Console.Error.WriteLineAsync($"switchboard: {e.Message}");
                return 2;
            }

            await using (app)
            {
                await using var scope = app.Services.CreateAsyncScope();
                var services = scope.ServiceProvider;
                var added = await UserAccounts.AddAsync(
                    services.GetRequiredService<SwitchboardDb>(), services.GetRequiredService<UserManager<UserRow>>(), services.GetRequiredService<AccountEmails>(),
                    new NewUser(parse.GetValue(email), parse.GetValue(role), parse.GetValue(rep), parse.GetValue(teams) ?? [], parse.GetValue(password)),
                    services.GetRequiredService<TimeProvider>().GetUtcNow(), ct, emailConfirmed: true);
                if (added.Conflict is { } conflict)
                {
                    await Console.Error.WriteLineAsync($"switchboard: {conflict}");
                    return 2;
                }

                if (added.User is not { } user)
                {
                    foreach (var (field, reasons) in added.Errors.All)
                    {
                        await Console.Error.WriteLineAsync($"switchboard: --{(field == "repId" ? "rep" : field == "teamIds" ? "team" : field)}: {string.Join("; ", reasons)}");
                    }

                    return 2;
                }

                var address = user.Email;
                if (parse.GetValue(password) is null)
                {
                    Console.WriteLine($"Added {address} ({user.Role}). They choose a password at: {added.InviteUrl}");
                }
                else
                {
                    Console.WriteLine($"Added {address} ({user.Role}). They sign in at {services.GetRequiredService<AccountEmails>().BaseUrl()}/signin");
                }
            }

            return 0;
        });
        return new Command("users", "People who sign in to the app") { add };
    }
}
