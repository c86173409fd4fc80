using System.CommandLine;
using Switchboard.Cli;

var root = new RootCommand("Switchboard: lead distribution and routing")
{
    ServeCommand.Create(),
    ImportCommand.Create(),
    ScoreCommand.Create(),
    UsersCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
