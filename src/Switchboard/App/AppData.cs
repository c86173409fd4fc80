using System.Security.Claims;
using Switchboard.Auth;
using Switchboard.Storage;

namespace Switchboard.App;

/// <summary>
/// The database for one screen action. A screen's circuit outlives any one unit of work, so each action
/// gets its own scope (and DbContext), as each API request does.
/// </summary>
public sealed class AppData(IServiceScopeFactory scopes)
{
    public async Task<T> RunAsync<T>(Func<SwitchboardDb, IServiceProvider, Task<T>> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<SwitchboardDb>(), scope.ServiceProvider);
    }

    public Task<T> RunAsync<T>(Func<SwitchboardDb, Task<T>> work) => RunAsync((db, _) => work(db));

    /// <summary>A change made by <paramref name="who"/>: the audit log names them, as it names a key over the API.</summary>
    public async Task<T> ActAsync<T>(Caller who, Func<SwitchboardDb, IServiceProvider, Task<T>> work)
    {
        AuditTrail.Person.Value = who.KeyName;
        try
        {
            return await RunAsync(work);
        }
        finally
        {
            AuditTrail.Person.Value = null;
        }
    }

    /// <summary>The signed-in person as the API's rules read a caller.</summary>
    public static Caller CallerOf(ClaimsPrincipal user) => Caller.From(user);
}
