using Microsoft.EntityFrameworkCore;
using Switchboard.Storage;

namespace Switchboard.Tests.Storage;

/// <summary>Both migration sets must describe the current model: a forgotten migration fails here, not in production.</summary>
public class MigrationTests
{
    [Fact]
    public void SqliteMigrations_HaveNoPendingModelChanges()
    {
        using var db = new SqliteDesignFactory().CreateDbContext([]);

        Assert.False(db.Database.HasPendingModelChanges(), "run dotnet ef migrations add for SqliteSwitchboardDb");
    }

    [Fact]
    public void PostgresMigrations_HaveNoPendingModelChanges()
    {
        using var db = new PostgresDesignFactory().CreateDbContext([]);

        Assert.False(db.Database.HasPendingModelChanges(), "run dotnet ef migrations add for PostgresSwitchboardDb");
    }
}
