using System.Text.Json.Nodes;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Switchboard.Distribution;
using Switchboard.Auth;
using Switchboard.Capture;
using Switchboard.Intake;
using Switchboard.Storage;
using Switchboard.Views;

namespace Switchboard.Api;

/// <summary>An account as posted, merged by PATCH, or read from a CSV row. Domains are normalized on the way in.</summary>
public sealed record AccountInput(string? Id, [property: Limit(Limits.Name)] string? Name, [property: Limit(Limits.ShortList)] List<string>? Domains = null, string? OwnerRepId = null)
{
    public static AccountInput From(AccountRow a, IEnumerable<string> domains) => new(a.Id, a.Name, [.. domains], a.OwnerRepId);

    /// <summary>Checks the fields and returns the normalized domains. <paramref name="existingId"/>: the account being changed.</summary>
    public async Task<List<string>> ValidateAsync(SwitchboardDb db, string? existingId, FieldErrors errors, CancellationToken ct)
    {
        // An import row is not read through a JSON body: its limits are checked here too, before the
        // domains become a query (100,000 of them used to exceed SQLite's variable limit).
        Limits.Check(this, errors);
        if (Domains is { Count: > Limits.ShortList })
        {
            return [];
        }

        if (Id is not null && !RepInput.IdShape().IsMatch(Id))
        {
            errors.Add("id", "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }

        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add("name", "required");
        }

        var domains = new List<string>();
        foreach (var (raw, i) in (Domains ?? []).Select((d, i) => (d, i)))
        {
            if (Normalize.Domain(raw) is not { } domain)
            {
                errors.Add($"domains[{i}]", $"'{raw}' is not a web domain");
            }
            else if (Normalize.FreeMail.Contains(domain))
            {
                errors.Add($"domains[{i}]", $"{domain} is a free-mail provider, not a company's domain");
            }
            else if (!domains.Contains(domain))
            {
                domains.Add(domain);
            }
        }

        var owners = await db.AccountDomains.AsNoTracking().Where(d => domains.Contains(d.Domain) && d.AccountId != existingId).ToListAsync(ct);
        foreach (var taken in owners)
        {
            errors.Add($"domains[{domains.IndexOf(taken.Domain)}]", $"{taken.Domain} already belongs to account '{taken.AccountId}'");
        }

        if (OwnerRepId is { } owner && !await db.Reps.AnyAsync(r => r.Id == owner, ct))
        {
            errors.Add("ownerRepId", $"rep '{owner}' does not exist");
        }

        return domains;
    }

    /// <summary>Writes name, owner and domains to <paramref name="row"/> (tracked or new).</summary>
    public async Task ApplyToAsync(SwitchboardDb db, AccountRow row, List<string> domains, DateTimeOffset now, CancellationToken ct)
    {
        row.Name = Name!.Trim();
        row.NameKey = Normalize.CompanyKey(row.Name);
        row.NameBlock = AccountMatching.Block(row.NameKey);
        row.OwnerRepId = OwnerRepId;
        row.UpdatedAt = now;
        await db.AccountDomains.Where(d => d.AccountId == row.Id && !domains.Contains(d.Domain)).ExecuteDeleteAsync(ct);
        var kept = await db.AccountDomains.Where(d => d.AccountId == row.Id).Select(d => d.Domain).ToListAsync(ct);
        db.AccountDomains.AddRange(domains.Except(kept).Select(d => new AccountDomainRow { Domain = d, AccountId = row.Id }));
    }
}

public sealed record AccountView(string Id, string Name, IReadOnlyList<string> Domains, string? OwnerRepId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static AccountView From(AccountRow a, IEnumerable<string> domains) => new(a.Id, a.Name, [.. domains.Order(StringComparer.Ordinal)], a.OwnerRepId, a.CreatedAt, a.UpdatedAt);
}

public sealed record AccountImportResult(int Created, int Updated, int Rejected, IReadOnlyList<ImportReject> Rejects);

/// <summary>
/// <c>/api/accounts</c>: the companies the team works and their owners. New leads are matched to them by
/// domain or company name on arrival; <c>account-owner</c> rules route to the account's owner.
/// </summary>
public static class AccountsApi
{
    public static RouteGroupBuilder MapAccountsApi(this RouteGroupBuilder api)
    {
        var accounts = api.MapGroup("/accounts").WithTags("Accounts");
        accounts.MapPost("/", CreateAccount).Accepts<AccountInput>("application/json");
        accounts.MapPost("/import", ImportAccounts).Accepts<string>("text/csv");
        accounts.MapGet("/", ListAccounts);
        accounts.MapGet("/{id}", GetAccount);
        accounts.MapPatch("/{id}", PatchAccount).Accepts<AccountInput>("application/json");
        accounts.MapDelete("/{id}", DeleteAccount);
        return api;
    }

    public static async Task<Results<Created<AccountView>, ValidationProblem, ProblemHttpResult>> CreateAccount(
        HttpRequest request, SwitchboardDb db, TimeProvider time, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<AccountInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        if (input!.Id is { } id && await db.Accounts.AnyAsync(a => a.Id == id, ct))
        {
            return Problems.Conflict($"account '{id}' already exists");
        }

        var errors = new FieldErrors();
        var domains = await input.ValidateAsync(db, null, errors, ct);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var now = time.GetUtcNow();
        var row = new AccountRow { Id = input.Id ?? NewId(now), Name = input.Name!, CreatedAt = now };
        db.Accounts.Add(row);
        await input.ApplyToAsync(db, row, domains, now, ct);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/accounts/{row.Id}", AccountView.From(row, domains));
    }

    public static async Task<Results<Ok<Paged<AccountView>>, ValidationProblem>> ListAccounts(
        HttpContext http, SwitchboardDb db, string? ownerRepId, string? domain, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        var errors = new FieldErrors();
        Limits.CheckPage(errors, page, pageSize);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var query = db.Accounts.AsNoTracking();
        if (caller.Role == Roles.Manager)
        {
            var teamReps = await Scopes.TeamRepIdsAsync(db, caller, ct);
            query = query.Where(a => a.OwnerRepId != null && teamReps.Contains(a.OwnerRepId)); // their teams' accounts
        }

        if (ownerRepId is not null)
        {
            query = query.Where(a => a.OwnerRepId == ownerRepId);
        }

        if (domain is not null)
        {
            var d = Normalize.Domain(domain);
            query = query.Where(a => db.AccountDomains.Any(x => x.AccountId == a.Id && x.Domain == d));
        }

        var (p, size) = (page ?? 1, pageSize ?? 50);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(a => a.Id).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        var ids = rows.Select(a => a.Id).ToArray();
        var domains = (await db.AccountDomains.AsNoTracking().Where(x => ids.Contains(x.AccountId)).ToListAsync(ct)).ToLookup(x => x.AccountId, x => x.Domain);
        return TypedResults.Ok(new Paged<AccountView>([.. rows.Select(a => AccountView.From(a, domains[a.Id]))], p, size, total));
    }

    public static async Task<Results<Ok<AccountView>, ProblemHttpResult>> GetAccount(string id, SwitchboardDb db, CancellationToken ct)
    {
        var row = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        return row is null ? Problems.NotFound($"no account '{id}'") : TypedResults.Ok(AccountView.From(row, await DomainsAsync(db, id, ct)));
    }

    public static async Task<Results<Ok<AccountView>, ValidationProblem, ProblemHttpResult>> PatchAccount(
        string id, HttpRequest request, SwitchboardDb db, TimeProvider time, CancellationToken ct)
    {
        var row = await db.Accounts.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (row is null)
        {
            return Problems.NotFound($"no account '{id}'");
        }

        var (patch, problem) = await JsonBody.ReadAsync<JsonObject>(request);
        if (problem is not null)
        {
            return problem;
        }

        var (input, invalid) = JsonBody.MergePatch(AccountInput.From(row, await DomainsAsync(db, id, ct)), patch!, id, "an account");
        if (invalid is not null)
        {
            return invalid;
        }

        var errors = new FieldErrors();
        var domains = await input!.ValidateAsync(db, id, errors, ct);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        await input.ApplyToAsync(db, row, domains, time.GetUtcNow(), ct);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(AccountView.From(row, domains));
    }

    /// <summary>Deletes the account; its leads stay, no longer matched to it.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAccount(string id, SwitchboardDb db, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.Accounts.FirstOrDefaultAsync(a => a.Id == id, ct) is not { } row)
        {
            return Problems.NotFound($"no account '{id}'");
        }

        db.Accounts.Remove(row); // tracked, so the audit log keeps what it was
        await db.SaveChangesAsync(ct);

        await db.AccountDomains.Where(d => d.AccountId == id).ExecuteDeleteAsync(ct);
        await db.Leads.Where(l => l.AccountId == id).ExecuteUpdateAsync(u => u.SetProperty(l => l.AccountId, (string?)null), ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// A CSV of accounts (columns <c>id</c>, <c>name</c>, <c>domains</c> separated by <c>;</c> or spaces,
    /// <c>ownerRepId</c>; header names in any case, <c>domain</c>/<c>website</c>/<c>owner</c> also read).
    /// Each row updates the account with its id, else the one owning one of its domains, else the one with
    /// the same company name, else creates one; so a re-run changes nothing. Bad rows are rejected with
    /// their line and reason.
    /// </summary>
    public static async Task<Ok<AccountImportResult>> ImportAccounts(HttpRequest request, SwitchboardDb db, TimeProvider time, SwitchboardOptions options, CancellationToken ct)
    {
        ImportsApi.AllowImportBody(request.HttpContext, options);
        using var reader = new StreamReader(request.Body);
        using var csv = new CsvReader(reader, CsvImport.Configuration());
        var (created, updated) = (0, 0);
        var rejects = new List<ImportReject>();
        if (!await csv.ReadAsync() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header)
        {
            return TypedResults.Ok(new AccountImportResult(0, 0, 0, []));
        }

        int Column(params string[] names) => Array.FindIndex(header, h => names.Contains(h.Trim(), StringComparer.OrdinalIgnoreCase));
        var (idAt, nameAt, domainsAt, ownerAt) = (Column("id"), Column("name", "company", "account"), Column("domains", "domain", "website"), Column("ownerRepId", "owner"));
        while (await csv.ReadAsync())
        {
            var line = csv.Parser.RawRow;
            var record = csv.Parser.Record ?? [];
            string? Cell(int at) => at >= 0 && at < record.Length && record[at].Trim() is { Length: > 0 } v ? v : null;
            if (record.Select(TextRules.Problem).FirstOrDefault(p => p is not null) is { } bad)
            {
                rejects.Add(new ImportReject(line, bad));
                continue;
            }

            var input = new AccountInput(
                Cell(idAt),
                Cell(nameAt),
                Cell(domainsAt)?.Split([';', ' ', ','], StringSplitOptions.RemoveEmptyEntries).ToList(),
                Cell(ownerAt));
            var row = await FindForImportAsync(db, input, ct);
            var errors = new FieldErrors();
            var domains = await input.ValidateAsync(db, row?.Id, errors, ct);
            if (errors.Any)
            {
                rejects.Add(new ImportReject(line, string.Join("; ", errors.All.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))));
                continue;
            }

            var now = time.GetUtcNow();
            if (row is null)
            {
                row = new AccountRow { Id = input.Id ?? NewId(now), Name = input.Name!, CreatedAt = now };
                db.Accounts.Add(row);
                created++;
            }
            else
            {
                updated++;
            }

            await input.ApplyToAsync(db, row, domains, now, ct);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }

        return TypedResults.Ok(new AccountImportResult(created, updated, rejects.Count, rejects));
    }

    private static async Task<AccountRow?> FindForImportAsync(SwitchboardDb db, AccountInput input, CancellationToken ct)
    {
        if (input.Id is { } id)
        {
            return await db.Accounts.FirstOrDefaultAsync(a => a.Id == id, ct);
        }

        var domains = (input.Domains ?? []).Select(Normalize.Domain).OfType<string>().ToArray();
        var byDomain = await db.AccountDomains.Where(d => domains.Contains(d.Domain)).Select(d => d.AccountId).FirstOrDefaultAsync(ct);
        if (byDomain is not null)
        {
            return await db.Accounts.FirstAsync(a => a.Id == byDomain, ct);
        }

        var key = Normalize.CompanyKey(input.Name);
        return key is null ? null : await db.Accounts.FirstOrDefaultAsync(a => a.NameKey == key, ct);
    }

    private static async Task<List<string>> DomainsAsync(SwitchboardDb db, string id, CancellationToken ct) =>
        await db.AccountDomains.AsNoTracking().Where(d => d.AccountId == id).OrderBy(d => d.Domain).Select(d => d.Domain).ToListAsync(ct);

    private static string NewId(DateTimeOffset now) => "acc-" + Guid.CreateVersion7(now).ToString("N");
}
