using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains.Infrastructure;

/// <summary>One silo shared by the tests of a class; each test works on sites of its own.</summary>
public abstract class SiloFixture(StorageKind kind) : IAsyncLifetime
{
    private TestSilo? _silo;

    public StorageKind Kind => kind;

    public TestSilo Silo => _silo ?? throw new InvalidOperationException("The silo has not started.");

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(kind);

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}

public sealed class SqliteSiloFixture() : SiloFixture(StorageKind.Sqlite);

public sealed class PostgreSqlSiloFixture() : SiloFixture(StorageKind.PostgreSql);
